"""Fixtures that build the dbt project into temporary places, never into the published warehouse."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from scripts.project import PROJECT_DIR, DbtRun, run_dbt

# Every build of the suite draws the simulation this many times (dbt_project.yml's simulation_draws reads it):
# enough for bands and their rules, few enough to keep each build quick. The benchmark measures the default.
os.environ.setdefault("ACM_SIMULATION_DRAWS", "200")

# the dashboard's modules import each other as app.py runs them, from their own folder
sys.path.insert(0, str(PROJECT_DIR / "dashboard"))


def import_pyspark_connect_in_an_xdist_process() -> None:
    """Import great-expectations' view of pyspark (pyspark.sql.connect) with a main module that has a file.

    xdist's processes run from `python -c`; pyspark.sql.connect takes a main module without a file for
    its doctest runner and exits the process. great-expectations imports it once and keeps the outcome.
    """
    main = sys.modules["__main__"]
    if not os.environ.get("PYTEST_XDIST_WORKER") or hasattr(main, "__file__") or main.__spec__ is not None:
        return
    main.__file__ = __file__
    try:
        import great_expectations.compatibility.pyspark  # noqa: F401
    finally:
        del main.__file__


import_pyspark_connect_in_an_xdist_process()

# The suite runs in two processes at once (pytest-xdist: `-n 2 --dist loadscope` in pyproject.toml). The
# tests of one group run in one process, in the order of their files, so that what they share is built
# once in that process: a module-scoped fixture always; a session-scoped one (the built and the
# published warehouse) once in each process that needs it. A module is its own group unless named here.
# (xdist's own `xdist_group` marks do nothing on pytest 9: they rename items through an attribute pytest
# no longer reads.)
XDIST_GROUPS = {
    # the session's built warehouse (built_warehouse)
    "test_assumptions": "built",
    "test_evidence": "built",
    "test_semantic_layer": "built",
    "test_uncertainty": "built",
    "test_warehouse": "built",
    # the session's published warehouse (published_warehouse)
    "test_dashboard": "published",
    "test_readers": "published",
    "test_seed_check": "published",
}
# Each group's rough cost in seconds, as measured on the 2-core machine under other engineers' load: the
# longest are handed out first, so that the two processes finish about together. Others go last.
XDIST_GROUP_SECONDS = {
    "test_pipeline": 800,
    "published": 620,
    "test_postgres": 590,
    "test_spark": 400,
    "built": 600,
    "test_build_failures": 270,
}


def xdist_group(nodeid: str) -> str:
    module = Path(nodeid.split("::", 1)[0]).stem
    return XDIST_GROUPS.get(module, module)


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """xdist's loadscope scheduling with the groups above as scopes, the longest handed out first."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupsLongestFirst(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group(nodeid)

        def _assign_work_unit(self, node) -> None:
            longest_first = sorted(self.workqueue.items(), key=lambda unit: -XDIST_GROUP_SECONDS.get(unit[0], 0))
            self.workqueue = OrderedDict(longest_first)
            super()._assign_work_unit(node)

    return GroupsLongestFirst(config, log)


def pytest_terminal_summary(terminalreporter) -> None:
    """The figures tests record (`record_property`): shown here, since a process of xdist's prints nothing."""
    figures = [
        (report.nodeid, name, value)
        for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
        if report.when == "call"
        for name, value in report.user_properties
    ]
    if figures:
        terminalreporter.section("figures the tests recorded")
        for nodeid, name, value in figures:
            terminalreporter.write_line(f"{nodeid} [{name}]:\n{value}")


def read_seed(relative_path: str, project_dir: Path = PROJECT_DIR) -> list[dict[str, str]]:
    with open(project_dir / "seeds" / relative_path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass
class BuiltWarehouse:
    path: Path
    run: DbtRun

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.path), read_only=True)


def publish_project_copy(root: Path) -> tuple[Path, Path]:
    """A copy of the project under root, and the warehouse `make build`'s pipeline published from it."""
    from scripts import build as pipeline
    from scripts.project import copy_project

    project = copy_project(root / "project")
    warehouse = root / "warehouse" / "accelerator_card_market.duckdb"
    assert pipeline.build(full=True, project_dir=project, published=warehouse) == 0
    return project, warehouse


@pytest.fixture(scope="session")
def published_warehouse(tmp_path_factory) -> tuple[Path, Path]:
    """A published warehouse for readers' tests (which may publish over it)."""
    return publish_project_copy(tmp_path_factory.mktemp("readers"))


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> Iterator[BuiltWarehouse]:
    """The repo's project built once, into a temporary DuckDB file."""
    workdir = tmp_path_factory.mktemp("build")
    warehouse = workdir / "warehouse.duckdb"
    run = run_dbt(["build"], PROJECT_DIR, warehouse=warehouse, target_dir=workdir / "target")
    assert run.success, f"dbt build failed: {run.failures}"
    yield BuiltWarehouse(path=warehouse, run=run)


@pytest.fixture
def warehouse_connection(built_warehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = built_warehouse.connect()
    yield connection
    connection.close()


# Comparing marts across engines: every row equal, floats within 1e-9 relative. Figures that are 0 on
# one engine may be a rounding error of 1e-15 on the other (a growth of 0%), hence the absolute floor.
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-12


def mart_frame(columns: list[str], rows: list[tuple]) -> pd.DataFrame:
    """A mart's rows as every engine's driver can agree on them (decimals as floats), in a stable order."""
    values = [[float(v) if isinstance(v, Decimal) else v for v in row] for row in rows]
    frame = pd.DataFrame.from_records(values, columns=columns)
    return frame.sort_values(columns, na_position="last", ignore_index=True)


def duckdb_mart_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    query = "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
    return [name for (name,) in connection.sql(query).fetchall()]


def assert_mart_matches_duckdb(
    table: str, columns: list[str], rows: list[tuple], connection: duckdb.DuckDBPyConnection
) -> None:
    """Another engine's rows of a mart equal DuckDB's, row by row once both are sorted."""
    relation = connection.sql(f"select * from marts.{table}")
    assert relation.columns == columns, table
    assert_frame_equal(
        mart_frame(columns, [tuple(row) for row in rows]),
        mart_frame(columns, relation.fetchall()),
        check_dtype=False,
        rtol=RELATIVE_TOLERANCE,
        atol=ABSOLUTE_TOLERANCE,
        obj=f"marts.{table}",
    )


@contextmanager
def write_lock_held(warehouse: Path) -> Iterator[None]:
    """Another process holds warehouse open read-write (as a build or a writer would) until the block ends."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()",
            str(warehouse),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
