"""A throw-away local PostgreSQL 15 server for building and testing the warehouse on Postgres.

`python -m scripts.postgres start` starts one and prints the ACM_PG_* variables that the profile's
`postgres` target reads (`eval "$(python -m scripts.postgres start)"`), `env` prints them again and
`stop` stops the server and removes everything it wrote. Tests use `running_server()`, which starts
a server of their own and always removes it.

The server listens on 127.0.0.1 only, on a free port, and has no Unix socket. Its cluster lives in a
temporary folder owned by the `postgres` OS user (initdb refuses to run as root, and the folder must
be reachable by that user wherever the repository is checked out); the repository's ignored
`.postgres/` folder only remembers where the CLI's server is. The superuser `postgres` gets a random
password, which only ever reaches dbt through ACM_PG_PASSWORD. The server also has the database
the warehouse is built in and `acm_reader`, the read-only role the marts are granted to.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from scripts.project import PROJECT_DIR

STATE_DIR = PROJECT_DIR / ".postgres"
STATE_FILE = STATE_DIR / "server.json"
BINDIR_ENV = "ACM_PG_BINDIR"
DEFAULT_BINDIRS = [Path("/usr/lib/postgresql/15/bin")]
OS_USER = "postgres"
HOST = "127.0.0.1"
SUPERUSER = "postgres"
DATABASE = "accelerator_card_market"
READER_ROLE = "acm_reader"
# A throw-away cluster: durability buys nothing, and these make a build several times faster.
SERVER_SETTINGS = {
    "listen_addresses": f"'{HOST}'",
    "unix_socket_directories": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "20",
}
START_ATTEMPTS = 3


class PostgresError(RuntimeError):
    """The server could not be started or stopped; the message says why."""


@dataclass(frozen=True)
class Server:
    """A running throw-away server and how to reach it."""

    base_dir: Path
    port: int
    password: str
    bindir: Path
    host: str = HOST
    user: str = SUPERUSER
    database: str = DATABASE

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def log_file(self) -> Path:
        return self.base_dir / "server.log"

    def env(self) -> dict[str, str]:
        """The variables the profile's postgres target reads."""
        return {
            "ACM_PG_HOST": self.host,
            "ACM_PG_PORT": str(self.port),
            "ACM_PG_USER": self.user,
            "ACM_PG_DATABASE": self.database,
            "ACM_PG_PASSWORD": self.password,
        }

    def connect_kwargs(self) -> dict[str, str | int]:
        """Keyword arguments for psycopg2.connect."""
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "dbname": self.database,
        }

    def is_running(self) -> bool:
        completed = subprocess.run(
            [*server_user_prefix(), str(self.bindir / "pg_ctl"), "status", "--pgdata", str(self.data_dir)],
            capture_output=True,
            text=True,
            check=False,
            **as_server_user(),
        )
        return completed.returncode == 0


def find_bindir() -> Path:
    """The folder of PostgreSQL's initdb and pg_ctl: ACM_PG_BINDIR, else PostgreSQL 15's Debian location."""
    candidates = [Path(os.environ[BINDIR_ENV])] if os.environ.get(BINDIR_ENV) else DEFAULT_BINDIRS
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    on_path = shutil.which("initdb")
    if on_path and not os.environ.get(BINDIR_ENV):
        return Path(on_path).parent
    looked = ", ".join(str(c) for c in candidates)
    raise PostgresError(f"PostgreSQL's initdb and pg_ctl were not found in {looked} (set {BINDIR_ENV}).")


def is_available() -> bool:
    """Whether a server can be started here: PostgreSQL's binaries exist and, as root, the postgres user does."""
    try:
        find_bindir()
        if os.geteuid() == 0:
            pwd.getpwnam(OS_USER)
    except (PostgresError, KeyError):
        return False
    return True


def server_user_prefix() -> list[str]:
    """initdb and the server refuse to run as root: as root, run them as the postgres OS user."""
    return ["runuser", "-u", OS_USER, "--"] if os.geteuid() == 0 else []


def as_server_user() -> dict:
    """subprocess arguments for a command of the server's OS user, run from a folder it can read."""
    return {"cwd": tempfile.gettempdir()}


def run_as_server_user(args: list[str]) -> None:
    completed = subprocess.run(
        [*server_user_prefix(), *args], capture_output=True, text=True, check=False, **as_server_user()
    )
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).strip()
        raise PostgresError(f"{Path(args[0]).name} failed: {output}")


def free_port() -> int:
    """A port nothing listens on now (the kernel's choice for a bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def make_base_dir() -> Path:
    """A new temporary folder owned by the server's OS user (by us, when we are not root)."""
    base_dir = Path(tempfile.mkdtemp(prefix="acm-postgres-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam(OS_USER)
        os.chown(base_dir, owner.pw_uid, owner.pw_gid)
    return base_dir


def init_cluster(base_dir: Path, bindir: Path, password: str) -> None:
    password_file = base_dir / "superuser-password"
    password_file.write_text(password + "\n", encoding="utf-8")
    password_file.chmod(0o600)
    if os.geteuid() == 0:
        owner = pwd.getpwnam(OS_USER)
        os.chown(password_file, owner.pw_uid, owner.pw_gid)
    try:
        run_as_server_user(
            [
                str(bindir / "initdb"),
                "--pgdata",
                str(base_dir / "data"),
                "--username",
                SUPERUSER,
                "--pwfile",
                str(password_file),
                "--auth-host",
                "scram-sha-256",
                "--auth-local",
                "peer",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
            ]
        )
    finally:
        password_file.unlink(missing_ok=True)


def configure(server: Server) -> None:
    settings = {**SERVER_SETTINGS, "port": str(server.port)}
    lines = "".join(f"{name} = {value}\n" for name, value in settings.items())
    with (server.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write("\n# scripts/postgres.py: a throw-away server on the loopback address\n" + lines)


def pg_ctl_start(server: Server) -> bool:
    """Start the server; False when it did not come up (for example, its port was taken meanwhile)."""
    completed = subprocess.run(
        [
            *server_user_prefix(),
            str(server.bindir / "pg_ctl"),
            "start",
            "--pgdata",
            str(server.data_dir),
            "--log",
            str(server.log_file),
            "--wait",
            "--timeout",
            "60",
        ],
        capture_output=True,
        text=True,
        check=False,
        **as_server_user(),
    )
    return completed.returncode == 0


def psql(server: Server, sql: str, database: str = "postgres") -> None:
    completed = subprocess.run(
        [
            str(server.bindir / "psql"),
            "--no-psqlrc",
            "--quiet",
            "--set",
            "ON_ERROR_STOP=1",
            "--host",
            server.host,
            "--port",
            str(server.port),
            "--username",
            server.user,
            "--dbname",
            database,
            "--command",
            sql,
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PGPASSWORD": server.password, "PGCONNECT_TIMEOUT": "10"},
    )
    if completed.returncode != 0:
        raise PostgresError(f"psql failed: {(completed.stdout + completed.stderr).strip()}")


def create_warehouse_objects(server: Server) -> None:
    """The database dbt builds into and the read-only role its marts are granted to.

    acm_reader cannot log in: it is the group that reader logins are made members of. It gets no
    privilege here; dbt's grants give it select on the marts and usage on their schema.
    """
    psql(server, f"create database {DATABASE}")
    psql(server, f"create role {READER_ROLE} nologin")


def start() -> Server:
    """Start a new throw-away server: a fresh cluster, its database and the reader role."""
    bindir = find_bindir()
    base_dir = make_base_dir()
    try:
        password = secrets.token_urlsafe(24)
        init_cluster(base_dir, bindir, password)
        for _ in range(START_ATTEMPTS):
            server = Server(base_dir=base_dir, port=free_port(), password=password, bindir=bindir)
            configure(server)
            if pg_ctl_start(server):
                create_warehouse_objects(server)
                return server
        log = server.log_file.read_text(encoding="utf-8", errors="replace") if server.log_file.exists() else ""
        raise PostgresError(f"PostgreSQL did not start after {START_ATTEMPTS} attempts; its log:\n{log}")
    except BaseException:
        remove(base_dir, bindir)
        raise


def remove(base_dir: Path, bindir: Path) -> None:
    """Stop whatever server runs in base_dir (fast: open sessions are rolled back) and delete base_dir."""
    data_dir = base_dir / "data"
    if (data_dir / "postmaster.pid").exists():
        subprocess.run(
            [*server_user_prefix(), str(bindir / "pg_ctl"), "stop", "--pgdata", str(data_dir), "-m", "fast", "--wait"],
            capture_output=True,
            text=True,
            check=False,
            **as_server_user(),
        )
    shutil.rmtree(base_dir, ignore_errors=True)


def stop(server: Server) -> None:
    """Stop the server and remove its cluster."""
    remove(server.base_dir, server.bindir)


@contextmanager
def running_server() -> Iterator[Server]:
    """A throw-away server for the duration of the block, removed however the block ends."""
    server = start()
    try:
        yield server
    finally:
        stop(server)


# The CLI's server: remembered in .postgres/server.json so that `env` and `stop` find it.


def saved_server() -> Server | None:
    if not STATE_FILE.exists():
        return None
    saved = json.loads(STATE_FILE.read_text(encoding="utf-8"))
    return Server(
        base_dir=Path(saved["base_dir"]),
        port=int(saved["port"]),
        password=saved["password"],
        bindir=Path(saved["bindir"]),
    )


def save_server(server: Server) -> None:
    STATE_DIR.mkdir(mode=0o700, exist_ok=True)
    saved = {key: str(value) for key, value in asdict(server).items()}
    STATE_FILE.write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
    STATE_FILE.chmod(0o600)


def forget_server() -> None:
    STATE_FILE.unlink(missing_ok=True)
    if STATE_DIR.exists() and not any(STATE_DIR.iterdir()):
        STATE_DIR.rmdir()


def exports(server: Server) -> str:
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in server.env().items())


def cli_start() -> int:
    server = saved_server()
    if server is not None and server.is_running():
        print(f"# PostgreSQL is already running on {server.host}:{server.port}", file=sys.stderr)
    else:
        if server is not None:  # left by a server that died or a machine that restarted
            stop(server)
            forget_server()
        server = start()
        save_server(server)
        print(f"# PostgreSQL started on {server.host}:{server.port} (data in {server.data_dir})", file=sys.stderr)
    print(exports(server), end="")
    return 0


def cli_stop() -> int:
    server = saved_server()
    if server is None:
        print("No PostgreSQL server of this checkout is running.", file=sys.stderr)
        return 0
    stop(server)
    forget_server()
    print(f"PostgreSQL on {server.host}:{server.port} stopped and removed.", file=sys.stderr)
    return 0


def cli_env() -> int:
    server = saved_server()
    if server is None or not server.is_running():
        print("No PostgreSQL server of this checkout is running: `python -m scripts.postgres start`.", file=sys.stderr)
        return 1
    print(exports(server), end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.postgres", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "command",
        choices=["start", "stop", "env"],
        help="start a server (or report the running one) and print its ACM_PG_* exports; stop and remove it; "
        "print the exports again",
    )
    arguments = parser.parse_args(argv)
    commands = {"start": cli_start, "stop": cli_stop, "env": cli_env}
    try:
        return commands[arguments.command]()
    except PostgresError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
