"""`make sql`: a DuckDB CLI session on the published warehouse that can read the marts and nothing else.

The session is the pinned DuckDB CLI (the duckdb-cli package) started with:

- `-readonly`: the database instance is read-only, so every database it attaches, the published
  file included, is attached read-only;
- `-no-init`: no ~/.duckdbrc runs before the lock-down below;
- `.safe_mode` before the first command: DuckDB's own lock-down of the CLI. It disables the dot
  commands that touch the host (.open, .shell, .system, .output, .once, .read, .import, .cd, .log,
  .excel), sets `enable_external_access = false` (no ATTACH of another file, no COPY to or from a
  file, no read_csv/read_text/... of any file, no INSTALL or LOAD of extensions, no getenv) and
  locks the configuration (`lock_configuration = true`), so no SET, RESET or PRAGMA turns any of it
  back on; it cannot be switched off in the same session.

Why `-cmd .safe_mode` rather than the `-safe` flag: CLI 1.5 locks the configuration in `-safe`
mode before it sets its extension directory, and then refuses to start ("Cannot change
configuration option extension_directories"); the dot command runs once the CLI has started.
No directory is allowed back (`allowed_directories`): an allowed directory could also be written.

This is a script rather than a line in the Makefile so that the tests run exactly the session
`make sql` opens. It replaces itself with the CLI process, which reads the terminal (or stdin).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from scripts.project import warehouse_path

CLI = Path(sys.executable).parent / "duckdb"
LOCK_DOWN = ["-readonly", "-no-init", "-cmd", ".safe_mode"]


def command(warehouse: Path) -> list[str]:
    """The command line of the session on warehouse."""
    return [str(CLI), *LOCK_DOWN, str(warehouse)]


def main() -> int:
    warehouse = warehouse_path()
    if not warehouse.is_file():
        print(f"No published warehouse at {warehouse}: run `make build` first.", file=sys.stderr)
        return 1
    arguments = command(warehouse)
    os.execv(arguments[0], arguments)


if __name__ == "__main__":
    sys.exit(main())
