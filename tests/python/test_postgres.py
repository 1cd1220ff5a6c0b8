"""The warehouse on PostgreSQL 15: the same project builds there with every test passing, its readers
can read the marts and nothing else, and every mart agrees with DuckDB's row by row.

Runs on a throw-away server of its own (scripts/postgres.py); `pytest -m "not postgres"` leaves it out.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import psycopg2
import psycopg2.errors as errors
import pytest
from conftest import DbtRun, assert_mart_matches_duckdb, duckdb_mart_tables, run_dbt

from scripts import postgres
from scripts.gate import project_settings, run_gate, suites
from scripts.project import PROJECT_DIR

pytestmark = pytest.mark.postgres

READER = postgres.READER_ROLE


@pytest.fixture(scope="module")
def server() -> Iterator[postgres.Server]:
    # `make test` installs the server binaries where they are missing: a missing server is a failure
    assert postgres.is_available(), "PostgreSQL 15's binaries are not installed (set ACM_PG_BINDIR to their folder)"
    with postgres.running_server() as running:
        yield running


@pytest.fixture(scope="module")
def postgres_build(server, tmp_path_factory) -> DbtRun:
    """`dbt build --target postgres` of the repo's project, in this process."""
    workdir = tmp_path_factory.mktemp("postgres-build")
    with pytest.MonkeyPatch.context() as env:
        for name, value in server.env().items():
            env.setenv(name, value)
        # the DuckDB path is never opened: the postgres target does not read it
        return run_dbt(["build", "--target", "postgres"], PROJECT_DIR, workdir / "unused.duckdb", workdir / "target")


@pytest.fixture
def superuser(server, postgres_build):
    connection = psycopg2.connect(**server.connect_kwargs())
    yield connection
    connection.close()


@pytest.fixture
def reader(server, postgres_build):
    """A session that acts as acm_reader (a group role without login, as reader logins inherit it)."""
    connection = psycopg2.connect(**server.connect_kwargs())
    with connection.cursor() as cursor:
        cursor.execute(f"set role {READER}")
        cursor.execute("select current_user, (select rolsuper from pg_roles where rolname = current_user)")
        assert cursor.fetchone() == (READER, False)
    connection.commit()
    yield connection
    connection.close()


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


def test_every_mart_on_postgres_matches_duckdb_row_by_row(superuser, warehouse_connection):
    tables = mart_tables(superuser)
    assert tables == duckdb_mart_tables(warehouse_connection)
    for table in tables:
        with superuser.cursor() as cursor:
            cursor.execute(f"select * from marts.{table}")
            columns = [column.name for column in cursor.description]
            assert_mart_matches_duckdb(table, columns, cursor.fetchall(), warehouse_connection)


def test_throw_away_server_is_stopped_and_removed_after_use(server):
    with postgres.running_server() as running:
        assert running.is_running()
        connection = psycopg2.connect(**running.connect_kwargs(), connect_timeout=5)
        connection.close()
    assert not running.base_dir.exists()
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(**running.connect_kwargs(), connect_timeout=5)


def test_cli_start_twice_reuses_the_server_and_stop_removes_it(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(postgres, "STATE_DIR", tmp_path / ".postgres")
    monkeypatch.setattr(postgres, "STATE_FILE", tmp_path / ".postgres" / "server.json")
    try:
        assert postgres.main(["start"]) == 0
        first = capsys.readouterr().out
        assert postgres.main(["start"]) == 0
        assert capsys.readouterr().out == first
        assert postgres.main(["env"]) == 0
        assert capsys.readouterr().out == first
        assert "export ACM_PG_PASSWORD=" in first
        started = postgres.saved_server()
        assert started is not None and started.is_running()
    finally:
        assert postgres.main(["stop"]) == 0
    assert not started.base_dir.exists()
    assert not (tmp_path / ".postgres").exists()
    assert postgres.main(["stop"]) == 0
    assert postgres.main(["env"]) == 1


def test_gate_passes_on_postgres_fed_from_postgres(superuser, tmp_path):
    def read(sql: str) -> pd.DataFrame:
        with superuser.cursor() as cursor:
            cursor.execute(sql)
            return pd.DataFrame(cursor.fetchall(), columns=[column.name for column in cursor.description])

    result = run_gate(None, tmp_path / "data-docs", reader=read)
    assert result.success, [suite.summary() for suite in result.suites if not suite.success]
    declared = suites(project_settings())
    assert result.expectations_passed == sum(len(suite.expectations) for suite in declared)
