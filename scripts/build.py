"""Build the warehouse: load the seeds, build every model and run every dbt test, in one process."""

from __future__ import annotations

import os
import sys

from scripts.project import WAREHOUSE_ENV, run_dbt, warehouse_path


def main() -> int:
    target = warehouse_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    os.environ[WAREHOUSE_ENV] = str(target)
    result = run_dbt(["build"])
    if not result.success:
        print("The build failed: the dbt output above names the failing model or test.", file=sys.stderr)
        return 1
    print(f"Warehouse built: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
