"""The warehouse on PostgreSQL 15: the same project builds there with every test passing, its readers
can read the marts and nothing else, every mart agrees with DuckDB's row by row, and publishing is as
atomic for readers as on DuckDB (scripts/publish_postgres.py), under the load of 50 readers.

Runs on one throw-away server for the module (scripts/local_postgres.py, over pytest-postgresql's
executor), published to once by the publisher and shared by every test; the load test, last, publishes
an edited build over it. `pytest -m "not postgres"` leaves them out.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from conftest import assert_mart_matches_duckdb, duckdb_mart_tables
from psycopg import errors, sql
from test_simulation import UNIFORMS_SQL, assert_matches_reference, compile_inline, expected_percentiles, values_list

from scripts import local_postgres, publish_postgres
from scripts.gate import run_gate, suites
from scripts.project import PROJECT_DIR, DbtRun, copy_project, project_vars

pytestmark = pytest.mark.postgres

READER = local_postgres.READER_ROLE


@pytest.fixture(scope="module")
def server() -> Iterator[local_postgres.Server]:
    # `make test` installs the server binaries where they are missing: a missing server is a failure
    with local_postgres.running_server() as running:
        yield running


@contextmanager
def server_env(server: local_postgres.Server) -> Iterator[None]:
    """The ACM_PG_* variables of the server, for dbt's profile and the publisher."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in server.env().items():
            env.setenv(name, value)
        yield


def publish_project(server, project_dir: Path, workdir: Path) -> publish_postgres.Published:
    """The publisher's whole run (`python -m scripts.publish_postgres`) on project_dir, in this process."""
    with server_env(server):
        return publish_postgres.publish(project_dir, data_docs=workdir / "data-docs", target_dir=workdir / "target")


@pytest.fixture(scope="module")
def publication(server, tmp_path_factory) -> publish_postgres.Published:
    """The repo's project published once on the server: `dbt build --target postgres` into side schemas,
    the gate, the swap."""
    return publish_project(server, PROJECT_DIR, tmp_path_factory.mktemp("postgres-build"))


@pytest.fixture(scope="module")
def postgres_build(publication) -> DbtRun:
    """dbt's build of the published warehouse."""
    return publication.dbt


@pytest.fixture
def superuser(server, postgres_build):
    with server.connect() as connection:
        yield connection


@pytest.fixture
def reader(server, postgres_build):
    """A session that acts as acm_reader (a group role without login, as reader logins inherit it)."""
    with server.connect() as connection:
        connection.execute(f"set role {READER}")
        query = "select current_user, (select rolsuper from pg_roles where rolname = current_user)"
        assert connection.execute(query).fetchone() == (READER, False)
        connection.commit()
        yield connection


def mart_tables(connection) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("select table_name from information_schema.tables where table_schema = 'marts' order by 1")
        return [name for (name,) in cursor.fetchall()]


def test_uniform_draws_on_postgres_equal_the_reference(server, tmp_path):
    with server_env(server):
        sql = compile_inline(UNIFORMS_SQL, "postgres", tmp_path)
    with server.connect() as connection:
        rows = connection.execute(sql).fetchall()
    assert_matches_reference(rows)


def test_postgres_percentile_cont_is_linear_interpolation(server):
    sql = (
        "select percentile_cont(array[0.05, 0.5, 0.95]) within group (order by v) "
        f"from (values {values_list().format(double='double precision')}) as t (v)"
    )
    with server.connect() as connection:
        got = connection.execute(sql).fetchall()[0][0]
    assert [float(v) for v in got] == pytest.approx(expected_percentiles(), rel=1e-15)


def test_build_on_postgres_passes_every_node_with_no_warning(postgres_build):
    assert postgres_build.success, postgres_build.failures
    assert postgres_build.failures == []
    assert postgres_build.warnings == []
    assert postgres_build.node_count > 200


def test_reader_role_can_select_from_every_mart(superuser, reader):
    tables = mart_tables(superuser)
    assert "report_tables" in tables and len(tables) >= 9, tables
    with reader.cursor() as cursor:
        for table in tables:
            cursor.execute(f"select count(*) from marts.{table}")
            assert cursor.fetchone()[0] > 0, table


@pytest.mark.parametrize(
    "statement",
    [
        "create table marts.reader_scratch (id integer)",
        "insert into marts.dim_company select * from marts.dim_company",
        "update marts.fct_market_size set value_usd = 0",
        "delete from marts.dim_source",
        "truncate marts.report_tables",
        "drop table marts.fct_company_share",
        "select count(*) from staging.stg_reference__sources",
    ],
    ids=["create", "insert", "update", "delete", "truncate", "drop", "read-staging"],
)
def test_reader_role_cannot_write_to_marts_or_read_below_them(reader, statement):
    with reader.cursor() as cursor, pytest.raises(errors.InsufficientPrivilege):
        cursor.execute(statement)
    reader.rollback()


def test_reader_role_may_use_the_marts_schema_and_no_schema_below_it(superuser):
    query = (
        "select nspname, has_schema_privilege(%s, nspname, 'usage') from pg_namespace"
        " where nspname in ('seeds', 'staging', 'intermediate', 'marts') order by nspname"
    )
    usage = dict(superuser.execute(query, [READER]).fetchall())
    assert usage == {"intermediate": False, "marts": True, "seeds": False, "staging": False}


def test_schema_usage_is_granted_once_after_the_models_not_by_each_model(postgres_build):
    # Two models granting usage on one schema on two threads at once fail with "tuple concurrently updated"
    hooks = [r for r in postgres_build.node_results if r.node.resource_type == "operation"]
    assert [(hook.node.name, str(hook.status)) for hook in hooks] == [
        ("accelerator_card_market-on-run-end-0", "success")
    ]
    models = [r.node for r in postgres_build.node_results if r.node.resource_type == "model"]
    assert models and not [
        node.name for node in models if any("grant" in hook.sql.lower() for hook in node.config.post_hook)
    ]


def test_every_mart_on_postgres_matches_duckdb_row_by_row(superuser, warehouse_connection):
    tables = mart_tables(superuser)
    assert tables == duckdb_mart_tables(warehouse_connection)
    for table in tables:
        with superuser.cursor() as cursor:
            cursor.execute(f"select * from marts.{table}")
            columns = [column.name for column in cursor.description]
            assert_mart_matches_duckdb(table, columns, cursor.fetchall(), warehouse_connection)


def test_throw_away_server_is_stopped_and_removed_after_use(server):
    with local_postgres.running_server() as running:
        assert running.is_running()
        running.connect(connect_timeout=5).close()
    assert not running.base_dir.exists()
    with pytest.raises(psycopg.OperationalError):
        running.connect(connect_timeout=5)


def test_server_listens_on_loopback_and_wants_the_superusers_password(server):
    with server.connect() as connection:
        assert connection.execute("show listen_addresses").fetchone() == ("127.0.0.1",)
    wrong = local_postgres.Server(base_dir=server.base_dir, port=server.port, password="not-the-password")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        wrong.connect(connect_timeout=5)


def test_cli_start_twice_reuses_the_server_and_stop_removes_it(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(local_postgres, "STATE_FILE", tmp_path / ".postgres.json")
    try:
        assert local_postgres.main(["start"]) == 0
        first = capsys.readouterr().out
        assert local_postgres.main(["start"]) == 0
        assert capsys.readouterr().out == first
        assert "export ACM_PG_PASSWORD=" in first
        started = local_postgres.saved_server()
        assert started is not None and started.is_running()
        assert f"export ACM_PG_PORT={started.port}\n" in first
    finally:
        assert local_postgres.main(["stop"]) == 0
    assert not started.base_dir.exists()
    assert not (tmp_path / ".postgres.json").exists()
    assert local_postgres.main(["stop"]) == 0


def test_gate_passes_on_postgres_fed_from_postgres(superuser, tmp_path):
    def read(sql: str) -> pd.DataFrame:
        with superuser.cursor() as cursor:
            cursor.execute(sql)
            return pd.DataFrame(cursor.fetchall(), columns=[column.name for column in cursor.description])

    result = run_gate(None, tmp_path / "data-docs", reader=read)
    assert result.success, [suite.summary() for suite in result.suites if not suite.success]
    declared = suites(project_vars())
    assert result.expectations_passed == sum(len(suite.expectations) for suite in declared)


# Publishing: side schemas, the gate on them, one transaction to swap them in (scripts/publish_postgres.py)

LAYERS = ["intermediate", "marts", "seeds", "staging"]


def side_or_old_schemas(connection) -> list[str]:
    query = "select nspname from pg_namespace where nspname like %s or nspname like %s order by 1"
    return [name for (name,) in connection.execute(query, ["%\\_\\_staging", "%\\_\\_old"]).fetchall()]


def mart_checksums(connection) -> dict[str, str]:
    """A checksum of each published mart's rows, in a fixed order."""
    checksums = {}
    for table in mart_tables(connection):
        query = sql.SQL("select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from marts.{} as t")
        checksums[table] = connection.execute(query.format(sql.Identifier(table))).fetchone()[0]
    return checksums


@contextmanager
def reader_session(server) -> Iterator[psycopg.Connection]:
    """An autocommit session acting as acm_reader: each statement its own transaction, as a dashboard's."""
    with server.connect(autocommit=True) as connection:
        connection.execute(f"set role {READER}")
        yield connection


def wait_until(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_publish_swaps_in_every_layer_after_the_gate_and_leaves_no_side_or_old_schema(publication, server):
    assert publication.schemas == LAYERS
    assert publication.expectations_passed == sum(len(suite.expectations) for suite in suites(project_vars()))
    with server.connect(autocommit=True) as connection:
        assert side_or_old_schemas(connection) == []
        # dbt built into the side schemas: the build's nodes name them, the published schemas hold them now
        built = {r.node.schema for r in publication.dbt.node_results if r.node.resource_type in ("model", "seed")}
        assert built == {layer + publish_postgres.SIDE_SUFFIX for layer in LAYERS}
        assert "report_tables" in mart_tables(connection)


TOY = "toy_published"
AUDITOR = "toy_auditor"


@pytest.fixture
def toy(server, postgres_build) -> Iterator[psycopg.Connection]:
    """A published schema (one row, granted to acm_reader by dbt's way and to another role by hand) and a
    side schema beside it (two rows, granted to no one), as a build leaves them just before its swap."""
    names = sql.SQL(", ").join(sql.Identifier(TOY + suffix) for suffix in ("", "__staging", "__old"))
    with server.connect(autocommit=True) as admin:
        admin.execute(sql.SQL("drop schema if exists {} cascade").format(names))
        admin.execute(f"drop role if exists {AUDITOR}")
        admin.execute(f"create role {AUDITOR} nologin")
        admin.execute(f"create schema {TOY}")
        admin.execute(f"create table {TOY}.facts as select 'old' as build from generate_series(1, 1)")
        admin.execute(f"grant usage on schema {TOY} to {READER}, {AUDITOR}")
        admin.execute(f"grant select on {TOY}.facts to {READER}")
        admin.execute(f"grant select, references on {TOY}.facts to {AUDITOR}")
        admin.execute(f"create schema {TOY}__staging")
        admin.execute(f"create table {TOY}__staging.facts as select 'new' as build from generate_series(1, 2)")
        yield admin
        admin.execute(sql.SQL("drop schema if exists {} cascade").format(names))
        admin.execute(f"drop role {AUDITOR}")


def test_swap_lets_a_reader_mid_query_finish_on_the_old_data_and_keeps_every_grant(server, toy):
    outcome: dict[str, object] = {}

    def slow_reader() -> None:
        with reader_session(server) as reader:
            query = f"select count(*), min(build), pg_sleep(1.5)::text from {TOY}.facts"
            outcome["mid-query"] = reader.execute(query).fetchone()[:2]

    thread = threading.Thread(target=slow_reader)
    thread.start()
    holding = (
        "select count(*) from pg_locks as l inner join pg_class as c on c.oid = l.relation"
        " where c.relnamespace = %s::regnamespace and l.granted and l.pid <> pg_backend_pid()"
    )
    wait_until(lambda: toy.execute(holding, [TOY]).fetchone()[0] > 0)
    attempts = publish_postgres.swap(toy, [TOY])
    thread.join(timeout=30)

    # the reader held the old table through the swap's first attempts and finished on the old data
    assert outcome["mid-query"] == (1, "old")
    assert attempts > 1
    with reader_session(server) as reader:
        assert reader.execute(f"select count(*), min(build) from {TOY}.facts").fetchone() == (2, "new")
    privileges = toy.execute(
        "select has_schema_privilege(%(reader)s, %(schema)s, 'usage'),"
        " has_table_privilege(%(reader)s, %(table)s, 'select'),"
        " has_schema_privilege(%(auditor)s, %(schema)s, 'usage'),"
        " has_table_privilege(%(auditor)s, %(table)s, 'references'),"
        " has_table_privilege(%(reader)s, %(table)s, 'insert')",
        {"reader": READER, "auditor": AUDITOR, "schema": TOY, "table": f"{TOY}.facts"},
    ).fetchone()
    assert privileges == (True, True, True, True, False)
    assert side_or_old_schemas(toy) == []


def test_failed_build_leaves_the_published_schemas_as_they_were(server, postgres_build, tmp_path):
    project = copy_project(tmp_path / "project")
    # a model every mart rests on fails: dbt skips what depends on it, and so fails early
    failing = "select no_such_column from {{ ref('geographies') }}\n"
    (project / "models" / "staging" / "stg_reference__geographies.sql").write_text(failing, encoding="utf-8")
    with server.connect(autocommit=True) as connection:
        before = mart_checksums(connection)
        with pytest.raises(publish_postgres.PublishFailed) as failure:
            publish_project(server, project, tmp_path)
        assert failure.value.sentence.startswith("The dbt build failed (")
        assert failure.value.sentence.endswith("nothing was published.")
        assert any("stg_reference__geographies" in line for line in failure.value.details)
        assert mart_checksums(connection) == before
        assert side_or_old_schemas(connection) == []


# 50 readers running the dashboard's queries while a build publishes (last in the module: it leaves an
# edited build published)

READERS = 50
LOAD_SECONDS = 60
# each reader pauses this long between two queries, as a dashboard between two reads: without a pause, 50
# readers on 2 cores starve the build they are meant to read through (measured: 3 times slower)
THINK_SECONDS = 0.1
# the build under load must publish within this, or the test fails (it stops its readers first)
PUBLISH_DEADLINE_SECONDS = 600
READER_LOGIN = "acm_load_reader"
# the arguments of the dashboard's queries, by parameter name: one view of each page
QUERY_ARGUMENTS = {
    "geography_id": "global",
    "breakdown_id": "application",
    "year": 2031,
    "section": "5.1.1",
    "assumption_ids": "geography_share__china__2031;segment_share__china__application__machine_learning__2031",
    "scenario_id": "custom_silicon",
    "figure_kind": "segment_value",
}
# dashboard/data.py's functions that are no query on the marts (build_info reads DuckDB's meta schema)
NOT_MART_QUERIES = {"read", "version", "is_published", "file_version", "build_info"}


def dashboard_queries() -> list[tuple[str, tuple]]:
    """Every query dashboard/data.py sends, with one view's arguments, in psycopg's placeholders."""
    import inspect

    from dashboard import data

    captured: list[tuple[str, tuple]] = []

    def capture(query: str, *parameters) -> pd.DataFrame:
        captured.append((query, parameters))
        return pd.DataFrame()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(data, "read", capture)
        for name, function in inspect.getmembers(data, inspect.isfunction):
            if function.__module__ == data.__name__ and not name.startswith("_") and name not in NOT_MART_QUERIES:
                parameters = inspect.signature(function).parameters
                function(**{parameter: QUERY_ARGUMENTS[parameter] for parameter in parameters})
    assert len(captured) >= 10, captured
    # DuckDB's placeholder is `?`, psycopg's `%s`; the queries hold no other `?` or `%`
    return [(query.replace("?", "%s"), parameters) for query, parameters in captured]


def rows_checksum(rows: list[tuple]) -> str:
    """The same rows give the same checksum whatever order equal sort keys came back in."""
    return hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()


def run_queries(connection, queries) -> list[str]:
    return [rows_checksum(connection.execute(query, parameters).fetchall()) for query, parameters in queries]


def test_fifty_readers_see_one_build_or_the_other_while_a_build_publishes(
    server, postgres_build, tmp_path, record_property, capsys
):
    queries = dashboard_queries()
    with server.connect(autocommit=True) as admin:
        before = run_queries(admin, queries)
        password = "load-test-" + hashlib.sha256(server.password.encode()).hexdigest()[:16]
        admin.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(READER_LOGIN)))
        admin.execute(
            sql.SQL("create role {} login password {} in role {}").format(
                sql.Identifier(READER_LOGIN), sql.Literal(password), sql.Identifier(READER)
            )
        )
    # the build that publishes under load: 2021-2024 grow one point a year slower than assumed
    project = copy_project(tmp_path / "project")
    growth = project / "seeds" / "assumptions" / "assumed_market_growth.csv"
    with open(growth, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, list(reader)
    assert len(rows) == 1
    rows[0]["cagr_pct"] = f"{float(rows[0]['cagr_pct']) - 1:.1f}"
    with open(growth, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    stop = threading.Event()
    connected = threading.Barrier(READERS + 1, timeout=120)
    seen: list[tuple[int, str, float]] = []  # (query, checksum of its rows, when it was sent)
    latencies: list[float] = []
    failures: list[str] = []

    def reader(offset: int) -> None:
        try:
            connection = psycopg.connect(
                host=local_postgres.LOOPBACK,
                port=server.port,
                user=READER_LOGIN,
                password=password,
                dbname=local_postgres.DATABASE,
                autocommit=True,
                connect_timeout=60,
            )
        except psycopg.Error as error:
            failures.append(f"connect: {error}")
            connected.abort()
            return
        with connection:
            connected.wait()
            turn = offset
            while not stop.is_set():
                index = turn % len(queries)
                query, parameters = queries[index]
                sent = time.monotonic()
                try:
                    rows = connection.execute(query, parameters).fetchall()
                except psycopg.Error as error:
                    failures.append(f"query {index}: {type(error).__name__}: {error}")
                else:
                    latencies.append(time.monotonic() - sent)
                    seen.append((index, rows_checksum(rows), sent))
                turn += 1
                stop.wait(THINK_SECONDS)

    publication: dict[str, object] = {}

    def publisher() -> None:
        # its own process, as a build beside a dashboard would be (and not competing for this one's GIL)
        command = [sys.executable, "-m", "scripts.publish_postgres", "--project-dir", str(project)]
        environment = {**os.environ, **server.env()}
        try:
            publication["run"] = subprocess.run(
                command,
                cwd=PROJECT_DIR,
                env=environment,
                capture_output=True,
                text=True,
                timeout=PUBLISH_DEADLINE_SECONDS,
            )
        except subprocess.TimeoutExpired:  # killed: the swap is one transaction, so nothing half-published
            publication["timeout"] = True
        publication["returned"] = time.monotonic()

    threads = [threading.Thread(target=reader, args=(number,)) for number in range(READERS)]
    for thread in threads:
        thread.start()
    connected.wait()
    started = time.monotonic()
    building = threading.Thread(target=publisher)
    building.start()
    # readers run LOAD_SECONDS, or on until the build has published and a moment after, within a deadline
    while time.monotonic() - started < LOAD_SECONDS or (
        building.is_alive() and time.monotonic() - started < PUBLISH_DEADLINE_SECONDS
    ):
        time.sleep(0.2)
    if not building.is_alive():
        time.sleep(max(0.0, publication["returned"] + 2 - time.monotonic()))
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    duration = time.monotonic() - started
    building.join()
    with server.connect(autocommit=True) as admin:
        after = run_queries(admin, queries)
        admin.execute(sql.SQL("drop role {}").format(sql.Identifier(READER_LOGIN)))

    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else float("nan")
    figures = (
        f"PostgreSQL load: {READERS} readers, {len(latencies)} queries in {duration:.0f} s "
        f"({len(latencies) / duration:.0f}/s), p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {max(latencies) * 1000:.0f} ms; {len(failures)} reader errors; "
        f"the build published after {publication.get('returned', float('nan')) - started:.0f} s"
    )
    if "run" in publication:
        figures += f"\npublisher: {publication['run'].stdout.strip() or publication['run'].stderr.strip()}"
    record_property("postgres_load", figures)
    with capsys.disabled():
        print(f"\n{figures}")

    assert "timeout" not in publication, f"the build did not publish within {PUBLISH_DEADLINE_SECONDS} s"
    run = publication["run"]
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Published schemas intermediate, marts, seeds, staging"), run.stdout
    assert failures == []
    # every query returned what one build or the other gives, never a mixture, an empty or a missing mart
    assert [(index, checksum) for index, checksum, _ in seen if checksum not in (before[index], after[index])] == []
    changed = {index for index in range(len(queries)) if before[index] != after[index]}
    assert changed, "the edited build changes none of the dashboard's queries"
    # readers saw the old build, then the new one; every query sent once the publisher returned saw the new
    assert any(checksum == before[index] for index, checksum, _ in seen if index in changed)
    assert any(checksum == after[index] for index, checksum, _ in seen if index in changed)
    late = [(index, checksum) for index, checksum, sent in seen if sent > publication["returned"]]
    assert late and all(checksum == after[index] for index, checksum in late)


TERMINATED_HOLDER = """
import sys, time
from scripts import local_postgres
from scripts.project import exit_on_terminate

exit_on_terminate()
with local_postgres.running_server() as server:
    print(server.base_dir, server.port, flush=True)
    time.sleep(600)
"""


def listens(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((local_postgres.LOOPBACK, port)) == 0


def test_a_benchmark_stopped_by_sigterm_stops_its_throwaway_server_and_removes_its_folder():
    # what `make bench` and the simulation's benchmark do with the server they start (exit_on_terminate)
    process = subprocess.Popen(
        [sys.executable, "-c", TERMINATED_HOLDER], cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    base_dir, port = process.stdout.readline().decode().split()
    try:
        assert Path(base_dir, "data").is_dir() and listens(int(port))
        process.terminate()
        process.wait(timeout=60)
        assert process.returncode == 143, process.stderr.read().decode()
        assert not Path(base_dir).exists()
        assert not listens(int(port))
    finally:  # what a failure left behind goes, so that it fails alone
        process.kill()
        if Path(base_dir, "data").is_dir():
            stop = [str(local_postgres.PG_CTL), "stop", "-m", "immediate", "--pgdata", str(Path(base_dir, "data"))]
            subprocess.run(stop, capture_output=True, check=False)
        shutil.rmtree(base_dir, ignore_errors=True)
