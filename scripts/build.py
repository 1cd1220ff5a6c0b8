"""Build and publish the warehouse in one process: check the seeds, dbt build, gate, publish.

`python -m scripts.build` (what `make build` runs) builds into a staging file beside the published
one and publishes it only if every dbt test and every great-expectations suite passed. When the
published file was built from the same project settings, only what changed since (seeds or models,
as dbt's state:modified+ selects them) is rebuilt on a copy of it; `--full` rebuilds everything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from scripts.gate import run_gate
from scripts.project import PROJECT_DIR, DbtRun, run_dbt, warehouse_path
from scripts.publish import (
    BuildInProgressError,
    BuildPaths,
    BuildRecord,
    build_lock,
    publish,
    published_manifest,
    published_project_checksum,
    record_build,
    remove_leftovers,
)
from scripts.seed_check import check_seeds, load_specs

UNCHANGED = "The published warehouse is unchanged."
# Settings that dbt's state comparison does not see (vars, profiles): a change to them means a full build.
PROJECT_SETTINGS = ["dbt_project.yml", "profiles/profiles.yml"]


def project_checksum(project_dir: Path = PROJECT_DIR) -> str:
    digest = hashlib.sha256()
    for name in PROJECT_SETTINGS:
        digest.update((project_dir / name).read_bytes())
    return digest.hexdigest()


def dbt_counts(result: DbtRun) -> tuple[int, int, list[str]]:
    """Nodes passed, tests passed, and a line for each node that failed."""
    results = result.node_results
    passed = [r for r in results if str(r.status) in ("success", "pass")]
    tests = [r for r in passed if r.node.resource_type in ("test", "unit_test")]
    failed = [f"{r.node.name}: {r.message}" for r in results if str(r.status) in ("fail", "error")]
    return len(passed), len(tests), failed


def build(full: bool = False, project_dir: Path = PROJECT_DIR, published: Path | None = None) -> int:
    """Build, gate and publish; 0 when published, 1 when a check failed, 2 for bad input."""
    paths = BuildPaths(published or warehouse_path())
    started = time.perf_counter()
    with build_lock(paths):
        if paths.in_progress.exists():
            # a killed build may have left dbt's partial-parse cache half written: parse afresh
            (project_dir / "target" / "partial_parse.msgpack").unlink(missing_ok=True)
        for leftover in remove_leftovers(paths):
            print(f"Removed {leftover.name}, left by an interrupted build.")
        paths.in_progress.touch()
        try:
            return run_pipeline(paths, full, project_dir, started)
        finally:
            paths.in_progress.unlink(missing_ok=True)


def run_pipeline(paths: BuildPaths, full: bool, project_dir: Path, started: float) -> int:
    """Check, build, gate and publish; the caller holds the build lock."""
    problems = check_seeds(project_dir)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) in the seeds: nothing was built. {UNCHANGED}", file=sys.stderr)
        return 2

    checksum = project_checksum(project_dir)
    manifest = None
    if not full and published_project_checksum(paths.published) == checksum:
        manifest = published_manifest(paths.published)
    with tempfile.TemporaryDirectory() as state_dir:
        args = ["build"]
        if manifest is not None:
            (Path(state_dir) / "manifest.json").write_text(json.dumps(manifest))
            shutil.copy2(paths.published, paths.staging)
            args += ["--select", "state:modified+", "--state", state_dir]
        result = run_dbt(args, project_dir, warehouse=paths.staging)
    build_kind = "incremental" if manifest is not None else "full"
    nodes_passed, tests_passed, failed = dbt_counts(result)
    if not result.success:
        for line in failed:
            print(f"dbt: {line}", file=sys.stderr)
        if result.exception is not None:
            print(f"dbt: {result.exception}", file=sys.stderr)
        paths.staging.unlink(missing_ok=True)
        print(f"The dbt build failed: nothing was published. {UNCHANGED}", file=sys.stderr)
        return 1

    gate = run_gate(paths.staging, paths.data_docs, project_dir)
    for suite in gate.suites:
        print(suite.summary())
    print(f"Data Docs: {gate.data_docs}")
    if not gate.success:
        paths.staging.unlink(missing_ok=True)
        print(f"The gate failed: nothing was published. {UNCHANGED}", file=sys.stderr)
        return 1

    target_manifest = project_dir / "target" / "manifest.json"
    record_build(
        paths.staging,
        BuildRecord(
            build_kind=build_kind,
            dbt_nodes_passed=nodes_passed,
            dbt_tests_passed=tests_passed,
            gx_suites_passed=sum(s.success for s in gate.suites),
            gx_expectations_passed=gate.expectations_passed,
            seeds={name: spec.path for name, spec in load_specs(project_dir).items()},
            manifest_json=target_manifest.read_text(encoding="utf-8"),
            project_checksum=checksum,
        ),
        project_dir,
    )
    publish(paths)
    elapsed = time.perf_counter() - started
    print(
        f"Published {paths.published} ({build_kind} build: {nodes_passed} dbt nodes and "
        f"{gate.expectations_passed} expectations passed, {elapsed:.1f} s)."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.build", description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="rebuild every node, not only what changed")
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="the dbt project to build")
    options = parser.parse_args(argv)
    try:
        return build(full=options.full, project_dir=options.project_dir.resolve())
    except BuildInProgressError as error:
        print(f"{error}: wait for it to finish. {UNCHANGED}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
