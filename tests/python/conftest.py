"""Fixtures that build the dbt project into temporary places, never into the published warehouse."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml
from dbt.cli.main import dbtRunner

from scripts.project import PROJECT_DIR, WAREHOUSE_ENV, release_duckdb


@dataclass
class DbtRun:
    """The outcome of one in-process dbt invocation, with the warnings and failures it logged."""

    success: bool
    warnings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    node_count: int = 0


def run_dbt(args: list[str], project_dir: Path, warehouse: Path, target_dir: Path) -> DbtRun:
    """Run dbt in-process against project_dir, writing warehouse and target_dir only."""
    warnings: list[str] = []

    def collect(event) -> None:
        if event.info.level == "warn":
            warnings.append(event.info.msg)

    with pytest.MonkeyPatch.context() as env:
        env.setenv(WAREHOUSE_ENV, str(warehouse))
        result = dbtRunner(callbacks=[collect]).invoke(
            [
                *args,
                "--project-dir",
                str(project_dir),
                "--profiles-dir",
                str(project_dir / "profiles"),
                "--target-path",
                str(target_dir),
                "--log-path",
                str(target_dir / "logs"),
            ]
        )
    release_duckdb()
    failures = []
    nodes = 0
    if result.result is not None and hasattr(result.result, "results"):
        nodes = len(result.result.results)
        failures = [r.node.name for r in result.result.results if r.status in ("fail", "error")]
    return DbtRun(success=result.success, warnings=warnings, failures=failures, node_count=nodes)


def read_seed(relative_path: str, project_dir: Path = PROJECT_DIR) -> list[dict[str, str]]:
    with open(project_dir / "seeds" / relative_path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def project_vars() -> dict:
    return yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]


@dataclass
class BuiltWarehouse:
    path: Path
    run: DbtRun

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.path), read_only=True)


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
    run = run_dbt(["build"], PROJECT_DIR, warehouse, workdir / "target")
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


def _comparable(value):
    """A value as every engine's driver can agree on it: a decimal as float, the rest as it is."""
    return float(value) if isinstance(value, Decimal) else value


def _sort_key(row: tuple) -> tuple:
    return tuple((value is None, value if value is not None else 0) for value in row)


def _same_value(left, right) -> bool:
    if isinstance(left, float) or isinstance(right, float):
        if left is None or right is None:
            return left is right
        return math.isclose(left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)
    return left == right


def duckdb_mart_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    query = "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
    return [name for (name,) in connection.sql(query).fetchall()]


def assert_mart_matches_duckdb(
    table: str, columns: list[str], rows: list[tuple], connection: duckdb.DuckDBPyConnection
) -> None:
    """Another engine's rows of a mart equal DuckDB's, row by row once both are sorted."""
    other = sorted((tuple(map(_comparable, row)) for row in rows), key=_sort_key)
    relation = connection.sql(f"select * from marts.{table}")
    assert relation.columns == columns, table
    expected = sorted((tuple(map(_comparable, row)) for row in relation.fetchall()), key=_sort_key)
    assert len(other) == len(expected), table
    for other_row, duckdb_row in zip(other, expected, strict=True):
        differing = [
            (column, left, right)
            for column, left, right in zip(columns, other_row, duckdb_row, strict=True)
            if not _same_value(left, right)
        ]
        assert differing == [], (table, other_row[:4])


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
