"""A throw-away local PostgreSQL 15 server for building and testing the warehouse on Postgres.

`python -m scripts.local_postgres start` starts one and prints the ACM_PG_* variables that the
profile's `postgres` target reads (`eval "$(python -m scripts.local_postgres start)"`); `stop` stops
it and removes everything it wrote. Tests and the benchmark use `running_server()`, which starts a
server of their own and always removes it.

pytest-postgresql's PostgreSQLExecutor does the work (initdb, pg_ctl start and stop, removing the
cluster). Its process fixture is not used: its folders are pytest's, which only their owner can
enter, while as root the server must run as the postgres OS user (initdb and postgres refuse root;
scripts/pg_ctl_as_postgres runs pg_ctl as that user). So the cluster lives in a temporary folder of
the postgres user's. The server listens on 127.0.0.1 only, on a free port; its superuser `postgres`
logs in there with a random password (scram-sha-256), which reaches dbt only through
ACM_PG_PASSWORD. Its Unix socket, in that folder, is trusted: only root and the postgres user can
reach it. The server also has the warehouse's database and `acm_reader`, the read-only role the
marts are granted to (dbt's grants config gives it select on the marts, and the project's on-run-end
hook usage on their schema).
"""

from __future__ import annotations

import json
import logging
import os
import pwd
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from pytest_postgresql.executors import PostgreSQLExecutor

from scripts.project import LOOPBACK, PROJECT_DIR, free_port

PG_CTL = Path(__file__).with_name("pg_ctl_as_postgres")
OS_USER = "postgres"
SUPERUSER = "postgres"
DATABASE = "accelerator_card_market"
READER_ROLE = "acm_reader"
# A throw-away cluster: durability buys nothing, and these make a build several times faster.
# max_connections: room for the load test's 50 readers beside dbt's threads, the publisher and the tests.
SETTINGS = (
    f"-c listen_addresses={LOOPBACK} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    " -c max_connections=120"
)
ACCESS = f"local all all trust\nhost all all {LOOPBACK}/32 scram-sha-256\n"
STATE_FILE = PROJECT_DIR / ".postgres.json"  # where the CLI's server is (ignored by git)


@dataclass(frozen=True)
class Server:
    """A throw-away server: its folder, port and superuser password."""

    base_dir: Path
    port: int
    password: str

    @classmethod
    def new(cls) -> Server:
        """A new server's settings, in a new folder of the postgres OS user's (of ours, when we are not root)."""
        base_dir = Path(tempfile.mkdtemp(prefix="acm-postgres-"))
        if os.geteuid() == 0:
            owner = pwd.getpwnam(OS_USER)
            os.chown(base_dir, owner.pw_uid, owner.pw_gid)
        return cls(base_dir=base_dir, port=free_port(), password=secrets.token_urlsafe(24))

    def executor(self) -> PostgreSQLExecutor:
        return PostgreSQLExecutor(
            executable=str(PG_CTL),
            host=LOOPBACK,
            port=self.port,
            datadir=str(self.base_dir / "data"),
            unixsocketdir=str(self.base_dir),
            logfile=str(self.base_dir / "server.log"),
            startparams="-w",
            dbname=DATABASE,
            user=SUPERUSER,
            postgres_options=SETTINGS,
        )

    def is_running(self) -> bool:
        status = [str(PG_CTL), "status", "--pgdata", str(self.base_dir / "data")]
        return subprocess.run(status, capture_output=True, check=False).returncode == 0

    def env(self) -> dict[str, str]:
        """The variables the profile's postgres target reads."""
        return {
            "ACM_PG_HOST": LOOPBACK,
            "ACM_PG_PORT": str(self.port),
            "ACM_PG_USER": SUPERUSER,
            "ACM_PG_DATABASE": DATABASE,
            "ACM_PG_PASSWORD": self.password,
        }

    def connect(self, **options) -> psycopg.Connection:
        return psycopg.connect(
            host=LOOPBACK, port=self.port, user=SUPERUSER, password=self.password, dbname=DATABASE, **options
        )


def is_available() -> bool:
    """Whether a server can be started here: PostgreSQL's pg_ctl runs (as the postgres user, as root)."""
    return subprocess.run([str(PG_CTL), "--version"], capture_output=True, check=False).returncode == 0


def init_cluster(server: Server, executor: PostgreSQLExecutor) -> None:
    executor.init_directory()
    (server.base_dir / "data" / "pg_hba.conf").write_text(ACCESS, encoding="utf-8")


def create_warehouse_objects(server: Server) -> None:
    """Over the socket: the superuser's password, the warehouse's database and the reader role."""
    with psycopg.connect(host=str(server.base_dir), port=server.port, user=SUPERUSER, autocommit=True) as admin:
        admin.execute(sql.SQL("alter role {} password {}").format(sql.Identifier(SUPERUSER), server.password))
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(DATABASE)))
        # a group without login: reader logins are made members of it
        admin.execute(sql.SQL("create role {} nologin").format(sql.Identifier(READER_ROLE)))


@contextmanager
def running_server() -> Iterator[Server]:
    """A throw-away server for the duration of the block, removed however the block ends."""
    server = Server.new()
    executor = server.executor()
    try:
        init_cluster(server, executor)
        with executor:
            # the executor is done when the port opens; pg_ctl start -w, when the server accepts connections
            executor.process.wait(timeout=60)
            create_warehouse_objects(server)
            yield server
    finally:
        shutil.rmtree(server.base_dir, ignore_errors=True)


def exports(server: Server) -> str:
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in server.env().items())


def saved_server() -> Server | None:
    if not STATE_FILE.exists():
        return None
    saved = json.loads(STATE_FILE.read_text(encoding="utf-8"))
    return Server(base_dir=Path(saved["base_dir"]), port=saved["port"], password=saved["password"])


def start() -> int:
    """Start the CLI's server (or find it running) and print its exports."""
    server = saved_server()
    if server is None or not server.is_running():
        stop()  # what a server that died, or a machine that restarted, left
        server = Server.new()
        STATE_FILE.touch(mode=0o600)  # saved first, so that `stop` removes whatever a failed start left
        STATE_FILE.write_text(
            json.dumps({"base_dir": str(server.base_dir), "port": server.port, "password": server.password})
        )
        executor = server.executor()
        init_cluster(server, executor)
        # pg_ctl's own start, not the executor's: the server must outlive this process
        subprocess.run(executor.command_parts, check=True, capture_output=True)
        create_warehouse_objects(server)
        print(f"# PostgreSQL started on {LOOPBACK}:{server.port}", file=sys.stderr)
    print(exports(server), end="")
    return 0


def stop() -> int:
    """Stop the CLI's server and remove its cluster."""
    server = saved_server()
    if server is not None:
        if server.is_running():
            server.executor().stop()
        shutil.rmtree(server.base_dir, ignore_errors=True)
        STATE_FILE.unlink()
        print(f"# PostgreSQL on {LOOPBACK}:{server.port} stopped and removed", file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    # an executor warns, when it is dropped, that it leaves a running server's cluster: the CLI means to
    logging.getLogger("pytest_postgresql").setLevel(logging.ERROR)
    commands = {"start": start, "stop": stop}
    if len(argv) != 1 or argv[0] not in commands:
        print("usage: python -m scripts.local_postgres start|stop", file=sys.stderr)
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
