"""Write-audit-publish: where a build writes, how it records what it was built from, how it publishes.

A build writes a staging file beside the published one; only a staging file that passed every check
replaces the published file, by an atomic rename on the same filesystem. Readers holding the old file
keep reading it; new connections see the new one. One build runs at a time (a lock file), and
leftovers of a killed build are removed by the next.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import struct
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from scripts.project import PROJECT_DIR, storage_version

MART_SCHEMA = "marts"
META_SCHEMA = "meta"


class BuildInProgressError(RuntimeError):
    """Another build holds the lock on the same published file."""


@dataclass(frozen=True)
class BuildPaths:
    published: Path

    @property
    def staging(self) -> Path:
        # a fixed name: the profile stays the same from build to build, so dbt keeps partial parsing
        return self.published.with_name(f".staging-{self.published.name}")

    @property
    def lock(self) -> Path:
        return self.published.with_name(f".{self.published.name}.lock")

    @property
    def in_progress(self) -> Path:
        """Present while a build runs: found at the start of a build, it means the last one was killed."""
        return self.published.with_name(f".staging-{self.published.name}.in-progress")

    @property
    def data_docs(self) -> Path:
        return self.published.parent / "data-docs"

    def leftovers(self) -> list[Path]:
        return [p for p in self.published.parent.glob(f".staging-{self.published.name}*") if p.is_file()]


@contextmanager
def build_lock(paths: BuildPaths) -> Iterator[None]:
    """Hold the build lock; the kernel releases it if the process dies."""
    paths.published.parent.mkdir(parents=True, exist_ok=True)
    with open(paths.lock, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BuildInProgressError(f"another build of {paths.published} is running") from error
        yield


def remove_leftovers(paths: BuildPaths) -> list[Path]:
    """Remove staging files a killed build left behind (only ever called while holding the lock)."""
    removed = paths.leftovers()
    for path in removed:
        path.unlink()
    return removed


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def git_commit(project_dir: Path = PROJECT_DIR) -> str:
    def git(*args: str) -> str:
        completed = subprocess.run(["git", *args], cwd=project_dir, capture_output=True, text=True)
        return completed.stdout.strip() if completed.returncode == 0 else ""

    commit = git("rev-parse", "HEAD") or "unknown"
    return f"{commit}-dirty" if git("status", "--porcelain") else commit


@dataclass(frozen=True)
class BuildRecord:
    build_kind: str
    dbt_nodes_passed: int
    dbt_tests_passed: int
    gx_suites_passed: int
    gx_expectations_passed: int
    seeds: dict[str, Path]
    manifest_json: str
    project_checksum: str


def record_build(staging: Path, record: BuildRecord, project_dir: Path = PROJECT_DIR) -> None:
    """Write what the staging file was built from into its meta schema, then checkpoint it."""
    built_at = datetime.now(UTC).replace(tzinfo=None)
    # written in the pinned storage format, like the rest of the file
    with duckdb.connect(str(staging), config={"storage_compatibility_version": storage_version()}) as connection:
        connection.execute(f"create schema if not exists {META_SCHEMA}")
        connection.execute(
            f"""
            create or replace table {META_SCHEMA}.build_info as
            select
                ?::varchar as build_id, ?::timestamp as built_at_utc, ?::varchar as git_commit,
                ?::varchar as build_kind, ?::integer as dbt_nodes_passed, ?::integer as dbt_tests_passed,
                ?::integer as gx_suites_passed, ?::integer as gx_expectations_passed, ?::varchar as project_checksum,
                draws.simulation_draws, draws.simulation_seed
            from (
                select
                    cast(count(*) filter (where run_kind = 'draw') as integer) as simulation_draws,
                    max(simulation_seed) as simulation_seed
                from intermediate.int_simulation_runs
            ) as draws
            """,
            [
                hashlib.sha256(f"{built_at.isoformat()}{os.getpid()}".encode()).hexdigest()[:16],
                built_at,
                git_commit(project_dir),
                record.build_kind,
                record.dbt_nodes_passed,
                record.dbt_tests_passed,
                record.gx_suites_passed,
                record.gx_expectations_passed,
                record.project_checksum,
            ],
        )
        connection.execute(
            f"create or replace table {META_SCHEMA}.seed_checksums "
            "(seed varchar, path varchar, sha256 varchar, size_bytes bigint)"
        )
        connection.executemany(
            f"insert into {META_SCHEMA}.seed_checksums values (?, ?, ?, ?)",
            [
                [name, str(path.relative_to(project_dir)), file_sha256(path), path.stat().st_size]
                for name, path in sorted(record.seeds.items())
            ],
        )
        connection.execute(
            f"create or replace table {META_SCHEMA}.dbt_manifest as select ?::varchar as manifest_json",
            [record.manifest_json],
        )
        connection.execute("checkpoint")


def publish(paths: BuildPaths) -> None:
    """Atomically replace the published file with the audited staging file."""
    os.replace(paths.staging, paths.published)
    directory = os.open(paths.published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class PublishedFileLockedError(RuntimeError):
    """Another process holds the published file open read-write, so no one else can open it."""

    def __init__(self, published: Path, holder: int) -> None:
        super().__init__(f"process {holder} holds {published} open for writing")
        self.published = published
        self.holder = holder


def write_lock_holder(path: Path) -> int | None:
    """The process holding a write lock on path, as DuckDB takes one (a POSIX record lock), or None.

    fcntl's F_GETLK asks the kernel who holds a conflicting lock; DuckDB's own error says so only in
    prose. Opening and closing the file drops this process's own POSIX locks on it, so it is called
    only after DuckDB failed to open the file, when this process holds none.
    """
    layout = "hhqqi4x"  # struct flock on Linux: l_type, l_whence, l_start, l_len, l_pid
    with open(path, "rb") as handle:
        request = struct.pack(layout, fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0)
        kind, _, _, _, pid = struct.unpack(layout, fcntl.fcntl(handle, fcntl.F_GETLK, request))
    return pid if kind == fcntl.F_WRLCK else None


@dataclass(frozen=True)
class PublishedState:
    """What the published file says it was built from (None where it says nothing)."""

    project_checksum: str | None
    manifest: dict | None


def published_state(published: Path) -> PublishedState | None:
    """Read the published file's build record, read-only; None when there is no published file.

    Raises PublishedFileLockedError when another process holds the file read-write, and duckdb.Error
    when the file cannot be opened for another reason.
    """
    if not published.exists():
        return None
    try:
        connection = duckdb.connect(str(published), read_only=True)
    except duckdb.Error as error:
        holder = write_lock_holder(published)
        if holder is not None:
            raise PublishedFileLockedError(published, holder) from error
        raise
    with connection:
        return PublishedState(
            project_checksum=_meta_value(connection, f"select project_checksum from {META_SCHEMA}.build_info"),
            manifest=json.loads(manifest)
            if (manifest := _meta_value(connection, f"select manifest_json from {META_SCHEMA}.dbt_manifest"))
            else None,
        )


def _meta_value(connection: duckdb.DuckDBPyConnection, sql: str) -> str | None:
    """One value of the meta schema, or None for a file that does not record it (an older build)."""
    try:
        rows = connection.execute(sql).fetchall()
    except duckdb.CatalogException:
        return None
    return rows[0][0] if rows else None


def mart_checksums(path: Path) -> dict[str, str]:
    """A checksum of each mart's rows in a fixed order: equal checksums mean equal contents."""
    checksums = {}
    with duckdb.connect(str(path), read_only=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = ? order by table_name",
                [MART_SCHEMA],
            ).fetchall()
        ]
        for table in tables:
            rows = connection.execute(f"select * from {MART_SCHEMA}.{table} order by all").fetchall()
            checksums[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return checksums
