"""The warehouse on a Spark cluster: a standalone master, two workers and the Thrift server started from
the pinned pyspark package (scripts/spark_cluster.py), which dbt reaches over Thrift, as it would reach a
real cluster. The same project builds there with every test passing and no warning, its seeds' text
(SQL and quotes in every free-text column) loads verbatim, every mart agrees with DuckDB's row by row,
the gate passes fed through the Thrift connection, the work runs on both workers, and a worker killed
during a build leaves the marts readers read as they were.

One cluster and one full build per session (the build costs minutes: every statement is a Spark job on
the workers). Java 17 must be on the PATH (`make java`); `pytest -m "not spark"` leaves these out. The
local session mode (`--target spark`) runs the same SQL in one process and is not built again here.
"""

from __future__ import annotations

import datetime
import os
import signal
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from conftest import (
    ABSOLUTE_TOLERANCE,
    RELATIVE_TOLERANCE,
    BuiltWarehouse,
    assert_mart_matches_duckdb,
    duckdb_mart_tables,
    mart_frame,
    read_seed,
)
from pandas.testing import assert_frame_equal
from pyhive import hive
from test_seed_check import free_text_columns, make_hostile
from test_simulation import (
    PERCENTILE_VALUES,
    UNIFORMS_SQL,
    assert_matches_reference,
    compile_inline,
    expected_percentiles,
    values_list,
)

from scripts import spark_cluster
from scripts.gate import run_gate, suites
from scripts.project import DbtRun, copy_project, project_vars, run_dbt

pytestmark = pytest.mark.spark

# A build beside the one readers read: its layers land in fault_seeds, ..., fault_marts
FAULT_PREFIX = "fault_"
# what it builds: the seeds and models behind one mart, nine nodes that do not wait on the simulation
# (their tests ran in the full build)
FAULT_MART = "fct_external_estimates"
FAULT_BUILD = ["build", "--target", "spark_cluster", "--select", f"+{FAULT_MART}"]
FAULT_BUILD += ["--resource-type", "seed", "--resource-type", "model"]


@pytest.fixture(scope="session")
def cluster(tmp_path_factory) -> Iterator[spark_cluster.Cluster]:
    # `make test` installs Java where it is missing: a cluster that cannot start is a failure
    with spark_cluster.running_cluster(tmp_path_factory.mktemp("spark-cluster")) as running:
        yield running


@pytest.fixture(scope="session")
def hostile_project(tmp_path_factory) -> tuple[Path, dict[str, list[str]]]:
    """A copy of the project made hostile as the run's hostile build is (SQL and quotes in every free-text
    column of its seeds, two seeds' columns reversed), with those columns: the cluster builds it at once,
    without waiting for the DuckDB build it is compared with."""
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    make_hostile(project)
    return project, free_text_columns(project)


def cluster_env(cluster: spark_cluster.Cluster) -> pytest.MonkeyPatch:
    env = pytest.MonkeyPatch()
    for name, value in cluster.env().items():
        env.setenv(name, value)
    return env


@pytest.fixture(scope="session")
def cluster_build_dir(tmp_path_factory) -> Path:
    """The cluster build's folder: its dbt target folder `target`, whose parse later invocations reuse."""
    return tmp_path_factory.mktemp("cluster-build")


@pytest.fixture(scope="session")
def cluster_build(cluster, hostile_project, cluster_build_dir) -> DbtRun:
    """`dbt build --target spark_cluster` of the hostile copy, in this process, through the Thrift server."""
    workdir = cluster_build_dir
    env = cluster_env(cluster)
    try:
        # the DuckDB path is never opened: the spark_cluster target does not read it. Four statements at
        # once: each waits on the server most of its time (dbt-spark polls it every second)
        return run_dbt(
            ["build", "--target", "spark_cluster", "--threads", "4"],
            hostile_project[0],
            warehouse=workdir / "unused.duckdb",
            target_dir=workdir / "target",
        )
    finally:
        env.undo()


@pytest.fixture(scope="session")
def hostile_duckdb(hostile_build) -> BuiltWarehouse:
    """The same hostile copy built on DuckDB (the run's one build of it), the engine every other is
    compared with."""
    _, warehouse, outcome = hostile_build
    return BuiltWarehouse(path=warehouse, run=outcome)


def python_value(value, type_code: str):
    """A value as DuckDB's driver gives it: PyHive leaves dates as text and gives decimals as Decimal."""
    if value is not None and type_code == "DATE_TYPE":
        return datetime.date.fromisoformat(value)
    return float(value) if isinstance(value, Decimal) else value


@pytest.fixture(scope="session")
def thrift(cluster, cluster_build) -> Iterator:
    """A query function over one Thrift connection to the cluster: SQL in, a pandas dataframe out."""
    connection = hive.connect(host=spark_cluster.LOOPBACK, port=cluster.thrift_port, username="pytest")
    cursor = connection.cursor()

    def read(sql: str) -> pd.DataFrame:
        cursor.execute(sql)
        types = [column[1] for column in cursor.description]
        rows = [[python_value(v, t) for v, t in zip(row, types, strict=True)] for row in cursor.fetchall()]
        return pd.DataFrame.from_records(rows, columns=[column[0] for column in cursor.description])

    yield read
    connection.close()


def mart_tables(read, schema: str = "marts") -> list[str]:
    return sorted(read(f"show tables in {schema}").query("not isTemporary")["tableName"])


def rows_of(frame: pd.DataFrame) -> list[tuple]:
    """A frame's rows, sorted, with None for every missing value (NaN is not equal to itself)."""
    values = frame.astype(object).where(frame.notna(), None)
    return sorted(map(tuple, values.values.tolist()), key=repr)


def marts_snapshot(read) -> dict[str, list[tuple]]:
    """Every mart's rows: what a reader of the cluster's marts sees."""
    return {table: rows_of(read(f"select * from marts.{table}")) for table in mart_tables(read)}


def marts_files(cluster: spark_cluster.Cluster) -> dict[str, int]:
    """The marts' parquet files and their modification times."""
    marts = cluster.warehouse_dir / "marts.db"
    return {str(path.relative_to(marts)): path.stat().st_mtime_ns for path in marts.rglob("*") if path.is_file()}


def test_build_on_the_cluster_passes_every_node_with_no_warning(cluster_build, cluster):
    assert cluster_build.success, cluster_build.failures
    assert cluster_build.failures == []
    assert cluster_build.warnings == []
    assert cluster_build.node_count > 200
    # the tables are the Thrift server's: in the cluster's warehouse folder
    assert (cluster.warehouse_dir / "marts.db").is_dir()


# the project's percentiles (macros/simulation.sql) of PERCENTILE_VALUES (group 1), of a group whose
# values are all empty (group 2) and of a group of one value (group 3)
BAND_SQL = (
    "select g, {{ band_percentiles('v') }} as band from (values "
    + ", ".join(
        [f"(1, cast({value!r} as double))" for value in PERCENTILE_VALUES]
        + ["(2, cast(null as double))", "(3, cast(7.5 as double))"]
    )
    + ") as t (g, v) group by g order by g"
)


@pytest.fixture(scope="module")
def cluster_sql(cluster, cluster_build, hostile_project, cluster_build_dir) -> Iterator:
    """SQL compiled by dbt for the cluster (its dispatched macros included; from the cluster build's parse)
    and run over a Thrift connection of its own: `compiled(sql)` and `rows(sql)`."""
    connection = hive.connect(host=spark_cluster.LOOPBACK, port=cluster.thrift_port, username="pytest")
    cursor = connection.cursor()

    def compiled(sql: str) -> str:
        env = cluster_env(cluster)
        try:
            workdir = cluster_build_dir
            return compile_inline(sql, "spark_cluster", workdir, hostile_project[0], workdir / "target")
        finally:
            env.undo()

    def rows(sql: str) -> list[tuple]:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]

    yield compiled, rows
    connection.close()


def test_uniform_draws_on_the_cluster_equal_the_reference(cluster_sql):
    compiled, rows = cluster_sql
    assert_matches_reference(rows(compiled(UNIFORMS_SQL)))


def test_band_percentiles_on_the_cluster_interpolate_as_sparks_percentile_and_percentile_approx_does_not(
    cluster_sql,
):
    compiled, rows = cluster_sql
    values = f"(values {values_list().format(double='double')}) as t (v)"

    def arrays(select: str) -> list[list]:
        # the three elements of each row's array `p`, in the order of its group `g` (Thrift gives an array
        # back as text)
        elements = ", ".join(f"element_at(p, {n})" for n in (1, 2, 3))
        return [list(row) for row in rows(f"select {elements} from ({select}) as arrays order by g")]

    (exact,) = arrays(f"select 1 as g, percentile(v, array(0.05, 0.5, 0.95)) as p from {values}")
    assert exact == pytest.approx(expected_percentiles(), rel=1e-15)
    # the project's own, read off the sorted values: Spark's percentile, none for a group with no value,
    # the value itself for a group of one
    bands = arrays(f"select g, band as p from ({compiled(BAND_SQL)}) as bands")
    assert bands == [pytest.approx(exact, rel=1e-15), [None] * 3, [7.5] * 3]
    # percentile_approx returns one of the values themselves, not an interpolation between two
    (approximate,) = arrays(f"select 1 as g, percentile_approx(v, array(0.05, 0.5, 0.95)) as p from {values}")
    assert all(value in PERCENTILE_VALUES for value in approximate)
    assert approximate != pytest.approx(expected_percentiles(), rel=1e-15)


def test_sql_and_quotes_in_seed_text_load_verbatim_on_the_cluster(hostile_project, thrift):
    project, filled = hostile_project
    for name, columns in filled.items():
        relative = next(path for path in (project / "seeds").rglob(f"{name}.csv")).relative_to(project / "seeds")
        written = read_seed(str(relative), project)
        loaded = thrift(f"select * from seeds.{name}")
        for column in columns:
            assert sorted(loaded[column], key=repr) == sorted((row[column] for row in written), key=repr), (
                name,
                column,
            )


def test_every_mart_on_the_cluster_matches_duckdb_row_by_row(thrift, hostile_duckdb):
    with hostile_duckdb.connect() as connection:
        tables = mart_tables(thrift)
        assert tables == duckdb_mart_tables(connection)
        for table in tables:
            frame = thrift(f"select * from marts.{table}")
            assert_mart_matches_duckdb(table, list(frame.columns), frame.values.tolist(), connection)


def test_gate_passes_fed_through_the_thrift_connection(thrift, hostile_project, tmp_path):
    project = hostile_project[0]
    result = run_gate(None, tmp_path / "data-docs", project_dir=project, reader=thrift)
    assert result.success, [suite.summary() for suite in result.suites if not suite.success]
    declared = suites(project_vars(project))
    assert result.expectations_passed == sum(len(suite.expectations) for suite in declared)


def test_the_build_ran_on_both_workers(cluster, cluster_build):
    # the master's view: two live workers, the Thrift server's application holding a core of each
    status = cluster.master_status()
    application = cluster.thrift_application()
    assert application is not None and application["state"] == "RUNNING"
    workers = [worker for worker in status["workers"] if worker["state"] == "ALIVE"]
    assert len(workers) == spark_cluster.WORKER_COUNT
    # each worker's own view: the executor it runs for that application; the driver's: the tasks each ran
    tasks = {e["id"]: e["totalTasks"] for e in cluster.executors() if e["id"] != "driver"}
    for worker in workers:
        assert worker["coresused"] == spark_cluster.WORKER_CORES, worker["id"]
        executors = spark_cluster.read_json(f"{worker['webuiaddress']}/json/")["executors"]
        ours = [str(e["id"]) for e in executors if e["appid"] == application["id"]]
        assert len(ours) == 1, (worker["id"], executors)
        assert tasks[ours[0]] > 0, (worker["id"], tasks)


def test_killing_a_worker_during_a_build_leaves_the_marts_readers_read_untouched(
    cluster, cluster_build, hostile_project, thrift, tmp_path
):
    """The build beside the readers' marts either completes on the remaining worker or fails naming the
    lost executor; the marts readers read are what they were either way."""
    assert cluster_build.success
    before = marts_snapshot(thrift)
    files_before = marts_files(cluster)
    victim = cluster.pids["worker-1"]
    killed_after: list[str] = []

    def kill_worker_once_a_node_finished(event) -> None:
        if not killed_after and event.info.name == "NodeFinished":
            os.kill(victim, signal.SIGKILL)
            killed_after.append(event.data.node_info.unique_id)

    env = cluster_env(cluster)
    try:
        build = run_dbt(
            [*FAULT_BUILD, "--vars", f"{{schema_prefix: {FAULT_PREFIX}}}"],
            hostile_project[0],
            warehouse=tmp_path / "unused.duckdb",
            target_dir=tmp_path / "target",
            on_event=kill_worker_once_a_node_finished,
        )
    finally:
        env.undo()

    assert killed_after, "no node finished: the worker was never killed"
    assert not spark_cluster.is_alive(victim)
    if build.success:
        assert build.failures == []
        # and what it built equals the readers' mart, built before with both workers
        rebuilt = thrift(f"select * from {FAULT_PREFIX}marts.{FAULT_MART}")
        readers = thrift(f"select * from marts.{FAULT_MART}")
        assert_frame_equal(
            mart_frame(list(rebuilt.columns), rebuilt.values.tolist()),
            mart_frame(list(readers.columns), readers.values.tolist()),
            rtol=RELATIVE_TOLERANCE,
            atol=ABSOLUTE_TOLERANCE,
        )
    else:
        messages = [str(r.message) for r in build.node_results if str(r.status) == "error"]
        assert messages and all("executor" in m.lower() or "worker" in m.lower() for m in messages), messages
    assert marts_snapshot(thrift) == before
    assert marts_files(cluster) == files_before
