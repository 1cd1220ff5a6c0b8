"""Write-audit-publish on PostgreSQL: build into side schemas, audit them, swap them in one transaction.

`python -m scripts.publish_postgres` publishes the warehouse on the server the profile's `postgres` target
names (ACM_PG_*), as atomically for its readers as `make build` publishes the DuckDB file:

1. the seed check, as for DuckDB;
2. `dbt build --target postgres` into side schemas (`seeds__staging`, ..., `marts__staging`: the var
   `schema_suffix` of macros/generate_schema_name.sql), every model, data test and unit test, stopping at
   the first failure;
3. the great-expectations gate on the side schemas under the published names: in a transaction that is
   rolled back, the published schemas are renamed away and the side schemas take their names, so the
   gate's constant SQL (`marts.…`) reads exactly what would be published;
4. the swap, in one transaction: each published schema is renamed `<name>__old`, each side schema takes
   the published name, the readers' privileges on the published schemas and their tables are granted
   again on the new ones, and the old schemas are dropped. Readers never see a half-built or missing mart:
   a query that resolved the old tables finishes on them, one that waited for the swap reads the new ones.

A failure at any step leaves the published schemas as they were (the side schemas are dropped) and says
why in one sentence first, as scripts/build.py does. One publish runs at a time (an advisory lock).

Why the swap cannot make a reader fail: renaming schemas takes no lock on their tables, so only the drop
waits for readers. A reader's statement locks its tables one by one, so it may hold an old table while it
waits for another one the drop holds: a deadlock, which PostgreSQL breaks by failing the statement that
detects it, after that statement's deadlock_timeout (1 s by default). The drop runs under a
statement_timeout shorter than that (SWAP_STATEMENT_TIMEOUT_MS): whenever the publisher and a reader wait
on each other, the publisher gives up first, its transaction rolls back (nothing changed for anyone) and
it tries again a moment later. Readers keep a deadlock_timeout of at least 1 s (PostgreSQL's default).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import psycopg
from psycopg import errors, sql

from scripts.project import PROJECT_DIR, DbtRun, run_dbt

SIDE_SUFFIX = "__staging"
OLD_SUFFIX = "__old"
# Under PostgreSQL's default deadlock_timeout (1 s): a publisher that waits on a reader gives up first.
SWAP_STATEMENT_TIMEOUT_MS = 500
SWAP_ATTEMPTS = 60
# one publish at a time per database: pg_try_advisory_lock's key (any constant of the project's own)
PUBLISH_LOCK_KEY = 0x41434D  # "ACM"
# privileges a swap grants again, as aclexplode names them (a fixed list: never SQL read from the catalog)
PRIVILEGES = {"USAGE", "CREATE", "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}
UNCHANGED = "The published schemas are unchanged."


class PublishFailed(Exception):
    """A publish that stops: the sentence the user reads first, the details after it."""

    def __init__(self, sentence: str, details: list[str] | None = None, code: int = 1) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.details = details or []
        self.code = code


@dataclass(frozen=True)
class Published:
    """What a publish did: dbt's run, the schemas it swapped in, the gate's count, the swap's attempts."""

    dbt: DbtRun
    schemas: list[str]
    expectations_passed: int
    swap_attempts: int


def connection_settings() -> dict[str, str | int]:
    """The server the profile's postgres target names, from the same variables and defaults."""
    return {
        "host": os.environ.get("ACM_PG_HOST", "127.0.0.1"),
        "port": int(os.environ.get("ACM_PG_PORT", "5432")),
        "user": os.environ.get("ACM_PG_USER", "postgres"),
        "password": os.environ.get("ACM_PG_PASSWORD", ""),
        "dbname": os.environ.get("ACM_PG_DATABASE", "accelerator_card_market"),
    }


@contextmanager
def publish_lock(connection: psycopg.Connection) -> Iterator[None]:
    """Hold the database's publish lock for the block (PostgreSQL releases it if the session dies)."""
    if not connection.execute("select pg_try_advisory_lock(%s)", [PUBLISH_LOCK_KEY]).fetchone()[0]:
        raise PublishFailed(
            f"Another publish to database {connection.info.dbname} is running: wait for it to finish.", code=3
        )
    try:
        yield
    finally:
        connection.execute("select pg_advisory_unlock(%s)", [PUBLISH_LOCK_KEY])


def existing(connection: psycopg.Connection, names: list[str]) -> set[str]:
    rows = connection.execute("select nspname from pg_namespace where nspname = any(%s)", [names]).fetchall()
    return {name for (name,) in rows}


def drop_schemas(connection: psycopg.Connection, names: list[str]) -> None:
    """Drop the schemas that exist among names, with everything in them, in one statement."""
    present = sorted(existing(connection, names))
    if present:
        connection.execute(sql.SQL("drop schema {} cascade").format(sql.SQL(", ").join(map(sql.Identifier, present))))


def leftovers(connection: psycopg.Connection) -> list[str]:
    """Side and old schemas of this user's that a killed publish left (a swap leaves none: it is one transaction).

    The database is the warehouse's own: a schema of the publishing role's named like a side or an old one is
    the project's.
    """
    rows = connection.execute(
        "select nspname from pg_namespace where nspowner = (select oid from pg_roles where rolname = current_user)"
        " and (right(nspname, length(%s)) = %s or right(nspname, length(%s)) = %s)",
        [SIDE_SUFFIX, SIDE_SUFFIX, OLD_SUFFIX, OLD_SUFFIX],
    ).fetchall()
    return [name for (name,) in rows]


def rename(connection: psycopg.Connection, old: str, new: str) -> None:
    connection.execute(sql.SQL("alter schema {} rename to {}").format(sql.Identifier(old), sql.Identifier(new)))


def put_side_schemas_in_place(connection: psycopg.Connection, schemas: list[str]) -> list[str]:
    """Inside the caller's transaction: published -> old, side -> published. Returns the old names."""
    published = existing(connection, schemas)
    old = []
    for schema in schemas:
        if schema in published:
            rename(connection, schema, schema + OLD_SUFFIX)
            old.append(schema + OLD_SUFFIX)
        rename(connection, schema + SIDE_SUFFIX, schema)
    return old


def grant_again(connection: psycopg.Connection, schema: str, old: str) -> None:
    """Grant on schema and its tables what the roles other than the owner held on old and its tables."""
    schema_grants = connection.execute(
        """
        select coalesce(r.rolname, 'public'), a.privilege_type
        from pg_namespace as n, aclexplode(n.nspacl) as a
        left join pg_roles as r on r.oid = a.grantee
        where n.nspname = %s and a.grantee <> n.nspowner
        """,
        [old],
    ).fetchall()
    table_grants = connection.execute(
        """
        select c.relname, coalesce(r.rolname, 'public'), a.privilege_type
        from pg_class as c
        inner join pg_namespace as n on n.oid = c.relnamespace
        cross join aclexplode(c.relacl) as a
        left join pg_roles as r on r.oid = a.grantee
        where n.nspname = %s and a.grantee <> c.relowner
            and exists (
                select from pg_class as t inner join pg_namespace as tn on tn.oid = t.relnamespace
                where tn.nspname = %s and t.relname = c.relname
            )
        """,
        [old, schema],
    ).fetchall()

    def grantee(role: str) -> sql.Composable:
        return sql.SQL("public") if role == "public" else sql.Identifier(role)

    for role, privilege in schema_grants:
        if privilege in PRIVILEGES:
            connection.execute(
                sql.SQL("grant {} on schema {} to {}").format(sql.SQL(privilege), sql.Identifier(schema), grantee(role))
            )
    for table, role, privilege in table_grants:
        if privilege in PRIVILEGES:
            connection.execute(
                sql.SQL("grant {} on {}.{} to {}").format(
                    sql.SQL(privilege), sql.Identifier(schema), sql.Identifier(table), grantee(role)
                )
            )


def swap(connection: psycopg.Connection, schemas: list[str], attempts: int = SWAP_ATTEMPTS) -> int:
    """Swap the side schemas in for the published ones in one transaction; returns the attempts it took.

    Each attempt's statements run under SWAP_STATEMENT_TIMEOUT_MS (see the module's docstring): one that
    waited too long on readers rolls back whole and is tried again, up to `attempts` times.
    """
    for attempt in range(1, attempts + 1):
        try:
            with connection.transaction():
                connection.execute(
                    sql.SQL("set local statement_timeout = {}").format(sql.Literal(SWAP_STATEMENT_TIMEOUT_MS))
                )
                old = put_side_schemas_in_place(connection, schemas)
                for name in old:
                    grant_again(connection, name.removesuffix(OLD_SUFFIX), name)
                drop_schemas(connection, old)
            return attempt
        except (errors.QueryCanceled, errors.LockNotAvailable, errors.DeadlockDetected):
            time.sleep(random.uniform(0.05, 0.25))
    raise PublishFailed(
        f"Readers' queries held the published schemas through {attempts} attempts to swap in the new build "
        f"(each waits at most {SWAP_STATEMENT_TIMEOUT_MS} ms): nothing was published."
    )


def pg_reader(connection: psycopg.Connection) -> Callable[[str], pd.DataFrame]:
    def read(query: str) -> pd.DataFrame:
        with connection.cursor() as cursor:
            cursor.execute(query)
            return pd.DataFrame(cursor.fetchall(), columns=[column.name for column in cursor.description])

    return read


def audit(connection: psycopg.Connection, schemas: list[str], data_docs: Path, project_dir: Path) -> int:
    """Run the gate on the side schemas under the published names, in a transaction rolled back after."""
    from scripts.gate import run_gate

    with connection.transaction(force_rollback=True):
        put_side_schemas_in_place(connection, schemas)
        gate = run_gate(None, data_docs, project_dir, reader=pg_reader(connection))
    summaries = [suite.summary() for suite in gate.suites] + [f"Data Docs: {gate.data_docs}"]
    if not gate.success:
        raise PublishFailed("The gate failed on the new build: nothing was published.", summaries)
    return gate.expectations_passed


def layer_schemas(run: DbtRun) -> list[str]:
    """The published names of the schemas the build wrote (seeds, staging, intermediate, marts)."""
    written = {
        r.node.schema
        for r in run.node_results
        if r.node.resource_type in ("model", "seed", "snapshot") and r.node.schema.endswith(SIDE_SUFFIX)
    }
    return sorted(schema.removesuffix(SIDE_SUFFIX) for schema in written)


def publish(
    project_dir: Path = PROJECT_DIR, data_docs: Path | None = None, target_dir: Path | None = None
) -> Published:
    """Check, build, audit and swap; raises PublishFailed, leaving the published schemas as they were.

    data_docs is where the gate writes its Data Docs, target_dir dbt's target/ and logs/ (both under the
    project by default).
    """
    from scripts.build import BuildFailed, console_to, dbt_counts, read_seed_problems

    try:
        problems = read_seed_problems(project_dir)
    except BuildFailed as failure:
        raise PublishFailed(failure.sentence, failure.details, code=failure.code) from failure
    if problems:
        raise PublishFailed(f"{len(problems)} problem(s) in the seeds (below): nothing was built.", problems, 2)
    data_docs = data_docs or project_dir / "warehouse" / "data-docs-postgres"
    target_dir = target_dir or project_dir / "target" / "postgres-publish"
    try:
        connection = psycopg.connect(**connection_settings(), autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as error:
        settings = connection_settings()
        raise PublishFailed(
            f"Cannot connect to PostgreSQL at {settings['host']}:{settings['port']} (ACM_PG_*): nothing was built.",
            [str(error).strip()],
        ) from error
    with connection, publish_lock(connection):
        drop_schemas(connection, leftovers(connection))
        # run_dbt puts dbt's log beside its target
        dbt_log = target_dir / "logs" / "dbt.log"
        dbt_log.unlink(missing_ok=True)
        args = ["build", "--target", "postgres", "--vars", json.dumps({"schema_suffix": SIDE_SUFFIX})]
        # --fail-fast: a build that cannot publish stops at its first failure rather than go on loading the
        # server its readers share (`make build` goes on, to list every failure of a DuckDB build)
        args += ["--fail-fast", "--log-level", "none", "--log-level-file", "info"]
        with console_to(dbt_log.with_name("dbt-console.log")):
            run = run_dbt(args, project_dir, target_dir=target_dir)
        schemas = layer_schemas(run)
        try:
            if not run.success:
                _, _, failed = dbt_counts(run)
                details = [f"dbt: {line}" for line in failed]
                if run.exception is not None:
                    details.append(f"dbt: {run.exception}")
                raise PublishFailed(
                    f"The dbt build failed ({len(failed)} node(s) failed, below): nothing was published.",
                    [*details, f"dbt's full output: {dbt_log}"],
                )
            if "marts" not in schemas:
                raise PublishFailed("The dbt build wrote no marts: nothing was published.")
            expectations = audit(connection, schemas, data_docs, project_dir)
            attempts = swap(connection, schemas)
        finally:
            # dbt creates every side schema before its first node: a failed build leaves some empty
            drop_schemas(connection, leftovers(connection))
    return Published(dbt=run, schemas=schemas, expectations_passed=expectations, swap_attempts=attempts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.publish_postgres", description=__doc__.splitlines()[0])
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="the dbt project to build")
    options = parser.parse_args(argv)
    # pyspark, which dbt-spark brings, warns about pandas on import: noise before the publisher's own words
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
    started = time.perf_counter()
    try:
        outcome = publish(options.project_dir.resolve())
    except PublishFailed as failure:
        print("\n".join([failure.sentence, *failure.details, UNCHANGED]), file=sys.stderr, flush=True)
        return failure.code
    except psycopg.Error as error:  # the server went away or refused: every step before the swap's commit is undone
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"PostgreSQL stopped the publish ({message}): nothing was published.\n{UNCHANGED}", file=sys.stderr)
        return 1
    from scripts.build import dbt_counts

    settings = connection_settings()
    nodes, tests, _ = dbt_counts(outcome.dbt)
    print(
        f"Published schemas {', '.join(outcome.schemas)} on {settings['host']}:{settings['port']}/"
        f"{settings['dbname']} ({nodes} dbt nodes, {tests} tests and {outcome.expectations_passed} expectations "
        f"passed; swapped in {outcome.swap_attempts} attempt(s); {time.perf_counter() - started:.1f} s)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
