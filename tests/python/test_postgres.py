"""The warehouse on PostgreSQL 15: the same project builds there with every test passing, its readers
can read the marts and nothing else, and every mart agrees with DuckDB's row by row.

Runs on a throw-away server of its own (scripts/local_postgres.py, over pytest-postgresql's executor);
`pytest -m "not postgres"` leaves it out.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import psycopg
import pytest
from conftest import assert_mart_matches_duckdb, duckdb_mart_tables
from psycopg import errors

from scripts import local_postgres
from scripts.gate import run_gate, suites
from scripts.project import PROJECT_DIR, DbtRun, project_vars, run_dbt

pytestmark = pytest.mark.postgres

READER = local_postgres.READER_ROLE


@pytest.fixture(scope="module")
def server() -> Iterator[local_postgres.Server]:
    # `make test` installs the server binaries where they are missing: a missing server is a failure
    with local_postgres.running_server() as running:
        yield running


@pytest.fixture(scope="module")
def postgres_build(server, tmp_path_factory) -> DbtRun:
    """`dbt build --target postgres` of the repo's project, in this process."""
    workdir = tmp_path_factory.mktemp("postgres-build")
    with pytest.MonkeyPatch.context() as env:
        for name, value in server.env().items():
            env.setenv(name, value)
        # the DuckDB path is never opened: the postgres target does not read it
        return run_dbt(
            ["build", "--target", "postgres"],
            PROJECT_DIR,
            warehouse=workdir / "unused.duckdb",
            target_dir=workdir / "target",
        )


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
