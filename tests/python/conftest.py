"""Fixtures that build the dbt project into temporary places, never into the published warehouse."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from scripts.project import PROJECT_DIR, DbtRun

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
# Each group's rough cost in seconds, as measured on the 2-core machine with both processes busy: the
# longest are handed out first, so that the two processes finish about together. Others go last. The Spark
# cluster's build is the longest by far: it starts first, and the other process takes everything else.
XDIST_GROUP_SECONDS = {
    "test_spark": 800,
    "built": 560,
    "published": 400,
    "test_postgres": 330,
    "test_pipeline": 300,
    "test_build_failures": 200,
    "test_simulation": 30,
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
class BuildOutcome:
    """What a test needs of a dbt build's outcome, kept as JSON beside a build the processes share."""

    success: bool
    failures: list[str]
    warnings: list[str]
    node_count: int

    @classmethod
    def of(cls, run: DbtRun) -> BuildOutcome:
        return cls(run.success, run.failures, list(run.warnings), run.node_count)


@dataclass
class BuiltWarehouse:
    path: Path
    run: DbtRun | BuildOutcome

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.path), read_only=True)


def publish_project(project: Path, root: Path) -> BuildOutcome:
    """Publish project with `make build`'s pipeline (a full build) to root/warehouse: its dbt build's
    outcome."""
    from scripts import build as pipeline

    warehouse = root / "warehouse" / "accelerator_card_market.duckdb"
    runs: list[DbtRun] = []
    real_run_dbt = pipeline.run_dbt

    def recorded(*args, **options) -> DbtRun:
        runs.append(real_run_dbt(*args, **options))
        return runs[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "run_dbt", recorded)
        assert pipeline.build(full=True, project_dir=project, published=warehouse) == 0
    [build] = [run for run in runs if run.node_count]
    return BuildOutcome.of(build)


def shared_root(tmp_path_factory) -> Path:
    """The folder every process of the run sees (xdist gives each process its own under it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once_for_the_run(tmp_path_factory, name: str, done: str, make: Callable[[Path], None]) -> Path:
    """The folder `name` under the shared folder, where make(folder) has written `done` (a path in it): the
    first process to ask makes it under a lock, the others wait for it and read it."""
    from filelock import FileLock

    root = shared_root(tmp_path_factory) / name
    with FileLock(str(root) + ".lock"):
        if not (root / done).exists():
            root.mkdir(exist_ok=True)
            make(root)
    return root


def built_once(tmp_path_factory, name: str, prepare=None) -> tuple[Path, Path, BuildOutcome]:
    """The project (prepared by `prepare`, which edits a fresh copy) published once for the whole run under
    the shared folder: the first process to ask builds it under a lock, the others wait for it and read it.
    Nobody builds over it; tests that write take a copy (published_copy)."""
    from scripts.project import copy_project

    def publish(root: Path) -> None:
        project = copy_project(root / "project")
        if prepare is not None:
            prepare(project)
        outcome = publish_project(project, root)
        (root / "outcome.json").write_text(json.dumps(asdict(outcome)), encoding="utf-8")

    root = once_for_the_run(tmp_path_factory, name, "outcome.json", publish)
    outcome = BuildOutcome(**json.loads((root / "outcome.json").read_text(encoding="utf-8")))
    return root / "project", root / "warehouse" / "accelerator_card_market.duckdb", outcome


@pytest.fixture(scope="session")
def with_parse(tmp_path_factory) -> Callable[[Path, Path], Path]:
    """with_parse(target, warehouse): the dbt target folder `target`, holding the run's parse of the project
    for a DuckDB file named as `warehouse` is (`dbt parse` once for the run per name, under a lock), so
    that dbt, pointed at that target, parses only the files a test changed rather than the whole project
    (which a fresh target folder makes it do, some 15 s)."""
    from scripts.project import run_dbt

    def prepared(target: Path, warehouse: Path) -> Path:
        def parse(root: Path) -> None:
            run = run_dbt(["parse"], PROJECT_DIR, warehouse=root / warehouse.name, target_dir=root / "target")
            assert run.success, run.exception

        parsed = "target/partial_parse.msgpack"
        root = once_for_the_run(tmp_path_factory, f"parse-{warehouse.name}", parsed, parse)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / parsed, target / "partial_parse.msgpack")
        return target

    return prepared


def published_copy(built: tuple[Path, Path, BuildOutcome], root: Path) -> tuple[Path, Path]:
    """A copy under root of a project and the folder it published to (the file, its data docs), as if the
    build had published there: the next build over it is an incremental one."""
    project, warehouse, _ = built
    shutil.copytree(project, root / "project", ignore=shutil.ignore_patterns("logs"))
    shutil.copytree(warehouse.parent, root / "warehouse", ignore=shutil.ignore_patterns(".*"))
    return root / "project", root / "warehouse" / warehouse.name


@pytest.fixture(scope="session")
def golden(tmp_path_factory) -> tuple[Path, Path, BuildOutcome]:
    """The repo's project published once for the run: read it, never build over it."""
    return built_once(tmp_path_factory, "golden")


@pytest.fixture(scope="session")
def published_warehouse(golden, tmp_path_factory) -> tuple[Path, Path]:
    """A published warehouse for readers' tests (which may publish over it)."""
    return published_copy(golden, tmp_path_factory.mktemp("readers"))


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory) -> tuple[Path, Path, BuildOutcome]:
    """The project with SQL and quotes in every free-text column of its seeds and two seeds' columns in
    reverse order (test_seed_check.make_hostile), published once for the run: the seed check's tests read
    it, the Spark tests build it on the cluster and compare with it."""
    from test_seed_check import make_hostile

    return built_once(tmp_path_factory, "hostile", make_hostile)


@pytest.fixture(scope="session")
def built_warehouse(golden) -> BuiltWarehouse:
    """The repo's project built once (the run's published build): open it read-only, or copy it."""
    _, warehouse, outcome = golden
    return BuiltWarehouse(path=warehouse, run=outcome)


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
