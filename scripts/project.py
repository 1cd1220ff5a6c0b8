"""Where the project's files are, and how dbt is called in-process."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dbt.cli.main import dbtRunner, dbtRunnerResult

PROJECT_DIR = Path(__file__).resolve().parent.parent
PROFILES_DIR = PROJECT_DIR / "profiles"
WAREHOUSE_ENV = "ACM_WAREHOUSE_PATH"
DEFAULT_WAREHOUSE = PROJECT_DIR / "warehouse" / "accelerator_card_market.duckdb"
# What a copy of the dbt project needs; the virtualenv, target/ and the warehouse stay behind.
PROJECT_ENTRIES = ["dbt_project.yml", "models", "seeds", "tests", "macros", "profiles"]


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


def storage_version() -> str:
    """The DuckDB storage format the warehouse is written in, as the profile pins it."""
    import yaml

    profile = yaml.safe_load((PROFILES_DIR / "profiles.yml").read_text(encoding="utf-8"))
    return profile["accelerator_card_market"]["outputs"]["duckdb"]["config_options"]["storage_compatibility_version"]


def warehouse_path() -> Path:
    """The DuckDB file the default target writes, as the profile resolves it."""
    return Path(os.environ.get(WAREHOUSE_ENV, DEFAULT_WAREHOUSE)).resolve()


def run_dbt(args: list[str], project_dir: Path = PROJECT_DIR, runner: dbtRunner | None = None) -> dbtRunnerResult:
    """Invoke dbt in this process against a project directory with the project's profiles.

    dbt-duckdb keeps its DuckDB instance open for the life of the process; it is closed after each
    invocation so that this process (or the next invocation, on another file) can open the file
    with its own settings, read-only included. dbt is imported here, not with the module, so that a
    command can catch an interrupt while it loads.
    """
    from dbt.cli.main import dbtRunner

    runner = runner or dbtRunner()
    try:
        return runner.invoke(
            [*args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir / "profiles")]
        )
    finally:
        release_duckdb()


def release_duckdb() -> None:
    """Close the DuckDB instance dbt-duckdb caches between invocations."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()
