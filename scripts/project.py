"""Where the project's files are, what its settings say, and how dbt is called in-process.

The one home of what several scripts, the tests and the dashboard share: the warehouse's path, the
dbt vars, a free port, and `run_dbt`. dbt is imported only when called, so that the dashboard can
read the warehouse's path without paying for dbt's import.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
PROFILES_DIR = PROJECT_DIR / "profiles"
WAREHOUSE_ENV = "ACM_WAREHOUSE_PATH"
DEFAULT_WAREHOUSE = PROJECT_DIR / "warehouse" / "accelerator_card_market.duckdb"
# What a copy of the dbt project needs; the virtualenv, target/ and the warehouse stay behind.
PROJECT_ENTRIES = ["dbt_project.yml", "models", "seeds", "tests", "macros", "profiles"]
LOOPBACK = "127.0.0.1"


def copy_project(destination: Path) -> Path:
    """A private copy of the dbt project (for tests and benchmarks that edit seeds)."""
    destination.mkdir(parents=True, exist_ok=True)
    for entry in PROJECT_ENTRIES:
        source = PROJECT_DIR / entry
        if source.is_dir():
            shutil.copytree(source, destination / entry, ignore=shutil.ignore_patterns("python", "__pycache__"))
        else:
            shutil.copy2(source, destination / entry)
    return destination


def exit_on_terminate() -> None:
    """SIGTERM ends this process as an exception rather than on the spot, so that the blocks it is in
    unwind: a benchmark's throw-away PostgreSQL server stops and its temporary folders go (killed
    outright, they stayed behind). A second SIGTERM kills at once."""

    def terminate(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)


def project_config(project_dir: Path = PROJECT_DIR) -> dict[str, Any]:
    """dbt_project.yml as written (its vars, and the seeds' config such as the CSV dialect)."""
    return yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))


def project_vars(project_dir: Path = PROJECT_DIR) -> dict[str, Any]:
    """The dbt vars of dbt_project.yml: the year range, tolerances and other parameters."""
    return project_config(project_dir)["vars"]


def default_simulation_draws(project_dir: Path = PROJECT_DIR) -> int:
    """The simulation's draws when ACM_SIMULATION_DRAWS is not set: the default of the var's env_var()."""
    declared = str(project_vars(project_dir)["simulation_draws"])
    default = re.search(r"env_var\(\s*'ACM_SIMULATION_DRAWS'\s*,\s*'(\d+)'\s*\)", declared)
    return int(default.group(1) if default else declared)


def storage_version() -> str:
    """The DuckDB storage format the warehouse is written in, as the profile pins it."""
    profile = yaml.safe_load((PROFILES_DIR / "profiles.yml").read_text(encoding="utf-8"))
    return profile["accelerator_card_market"]["outputs"]["duckdb"]["config_options"]["storage_compatibility_version"]


def warehouse_path() -> Path:
    """The DuckDB file the default target writes, as the profile resolves it."""
    return Path(os.environ.get(WAREHOUSE_ENV, DEFAULT_WAREHOUSE)).resolve()


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on now (the kernel's choice for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@dataclass
class DbtRun:
    """The outcome of one in-process dbt invocation, with the warnings dbt logged."""

    success: bool
    result: Any  # dbt's result: the nodes' results for build, run, test and seed
    exception: BaseException | None
    warnings: list[str] = field(default_factory=list)

    @property
    def node_results(self) -> list:
        return list(getattr(self.result, "results", None) or [])

    @property
    def failures(self) -> list[str]:
        return [r.node.name for r in self.node_results if str(r.status) in ("fail", "error")]

    @property
    def node_count(self) -> int:
        return len(self.node_results)


def run_dbt(
    args: list[str],
    project_dir: Path = PROJECT_DIR,
    *,
    warehouse: Path | None = None,
    target_dir: Path | None = None,
    on_event: Callable[[Any], None] | None = None,
) -> DbtRun:
    """Invoke dbt in this process against a project directory with its own profiles.

    warehouse is the DuckDB file the default target writes (else ACM_WAREHOUSE_PATH's, else the
    published one); target_dir takes dbt's target/ and logs/ elsewhere. dbt-duckdb keeps its DuckDB
    instance open for the life of the process; it is closed after each invocation so that this
    process (or the next invocation, on another file) can open the file with its own settings,
    read-only included. on_event, if given, sees every event dbt fires (a test acting mid-build).
    """
    from dbt.cli.main import dbtRunner

    warnings: list[str] = []

    def collect(event) -> None:
        if event.info.level == "warn":
            warnings.append(event.info.msg)
        if on_event is not None:
            on_event(event)

    project_dir = Path(project_dir).resolve()
    options = ["--project-dir", str(project_dir), "--profiles-dir", str(project_dir / "profiles")]
    if target_dir is not None:
        target_dir = Path(target_dir).resolve()
        options += ["--target-path", str(target_dir), "--log-path", str(target_dir / "logs")]
    # dbt reuses its last parse (target/partial_parse.msgpack) only while the profile's connection is
    # unchanged, the DuckDB path included: the path is given relative to its folder, and dbt runs from
    # there, so that a project copied with its parse, building a file of the same name in another folder
    # (a published warehouse copied elsewhere, a fresh clone), parses only the files that changed
    environment, directory = {}, Path.cwd()
    if warehouse is not None:
        environment, directory = {WAREHOUSE_ENV: warehouse.name}, Path(warehouse).resolve().parent
    try:
        with mock.patch.dict(os.environ, environment), contextlib.chdir(directory):
            outcome = dbtRunner(callbacks=[collect]).invoke([*args, *options])
    finally:
        release_duckdb()
    return DbtRun(success=outcome.success, result=outcome.result, exception=outcome.exception, warnings=warnings)


def release_duckdb() -> None:
    """Close the DuckDB instance dbt-duckdb caches between invocations."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()
