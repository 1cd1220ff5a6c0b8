"""Build and publish the warehouse in one process: check the seeds, dbt build, gate, publish.

`python -m scripts.build` (what `make build` runs) builds into a staging file beside the published
one and publishes it only if every dbt test and every great-expectations suite passed. When the
published file was built from the same project settings, only what changed since (seeds or models,
as dbt's state:modified+ selects them) is rebuilt on a copy of it; `--full` rebuilds everything.

A build that fails, for any reason, says why in one sentence first, then the details, and ends
with "The published warehouse is unchanged."; dbt's own output goes to a log file the message names.
"""

# ruff: noqa: E402 (the imports follow the handler that catches Ctrl-C while they load)
from __future__ import annotations

import os
import signal
import sys

UNCHANGED = "The published warehouse is unchanged."


def interrupted_while_loading(signum: int, frame: object) -> None:
    sys.stderr.write(f"The build was interrupted before it began: nothing was published.\n{UNCHANGED}\n")
    sys.stderr.flush()
    # an exception raised inside a C extension's initialisation aborts the interpreter; nothing is open yet
    os._exit(130)


if __name__ == "__main__":
    # Ctrl-C while the modules below load (seconds, with dbt and great-expectations): main() restores Python's handler
    signal.signal(signal.SIGINT, interrupted_while_loading)

import argparse
import atexit
import errno
import hashlib
import json
import shutil
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import duckdb

from scripts.project import PROJECT_DIR, DbtRun, run_dbt, warehouse_path
from scripts.publish import (
    BuildInProgressError,
    BuildPaths,
    BuildRecord,
    PublishedFileLockedError,
    build_lock,
    publish,
    published_state,
    record_build,
    remove_leftovers,
)

# Settings that dbt's state comparison does not see (vars, profiles, and the environment variables the
# vars read): a change to them means a full build.
PROJECT_SETTINGS = ["dbt_project.yml", "profiles/profiles.yml"]
SETTINGS_ENVIRONMENT = ["ACM_SIMULATION_DRAWS"]
# Free space a build needs beside the published file, as measured on an 18.6 MB warehouse (with the
# evidence marts and every figure's list of assumptions): an incremental build's staging copy and dbt's
# rebuilt tables peak at 1.9 times the published file, a first build writes about 19 MB, and the Data Docs
# take 4.5 MB; each is rounded up here. test_build_failures checks the sum against the peak it measures.
STAGING_GROWTH = 2.5
FIRST_BUILD_BYTES = 32 * 2**20
DOCS_BYTES = 6 * 2**20
# how the C library, and so DuckDB's messages, say ENOSPC
DISK_FULL = os.strerror(errno.ENOSPC)
# Ctrl-C: Python's own exception, or DuckDB's for a query it stopped on the signal (the seed check's and
# the gate's queries run in this process). DuckDB's type says little: duckdb 2.0 raises a plain
# RuntimeError("Query interrupted") for a query Ctrl-C stopped, so the build also notes the signal itself
# (watching_ctrl_c), and any error after it counts as the interrupt it is.
INTERRUPTS = (KeyboardInterrupt, duckdb.InterruptException)
CTRL_C_SEEN = threading.Event()


def is_interrupt(error: BaseException) -> bool:
    return isinstance(error, INTERRUPTS) or CTRL_C_SEEN.is_set()


@contextmanager
def watching_ctrl_c() -> Iterator[None]:
    """Note a SIGINT during the block (and raise KeyboardInterrupt as Python does), where this process may
    handle it: in its main thread, and unless it ignores the signal."""
    CTRL_C_SEEN.clear()
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous == signal.SIG_IGN:
        yield
        return

    def noted(signum: int, frame: object) -> None:
        CTRL_C_SEEN.set()
        signal.default_int_handler(signum, frame)

    signal.signal(signal.SIGINT, noted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class BuildFailed(Exception):
    """A build that stops: the sentence the user reads first, the details after it, the exit code."""

    def __init__(self, sentence: str, details: list[str] | None = None, code: int = 1) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.details = details or []
        self.code = code


def project_checksum(project_dir: Path = PROJECT_DIR) -> str:
    digest = hashlib.sha256()
    for name in PROJECT_SETTINGS:
        digest.update((project_dir / name).read_bytes())
    for name in SETTINGS_ENVIRONMENT:
        digest.update(f"{name}={os.environ.get(name, '')};".encode())
    return digest.hexdigest()


def dbt_counts(result: DbtRun) -> tuple[int, int, list[str]]:
    """Nodes passed, tests passed, and a line for each node that failed."""
    results = result.node_results
    passed = [r for r in results if str(r.status) in ("success", "pass")]
    tests = [r for r in passed if r.node.resource_type in ("test", "unit_test")]
    failed = [f"{r.node.name}: {r.message}" for r in results if str(r.status) in ("fail", "error")]
    # a test that names the seed behind it (meta.seed_problem) says so first, as one sentence
    sentences = [
        f"{r.node.config.meta['seed_problem']} (dbt test {r.node.name})."
        for r in results
        if str(r.status) in ("fail", "error") and "seed_problem" in (getattr(r.node.config, "meta", None) or {})
    ]
    return len(passed), len(tests), [*sentences, *failed]


def mebibytes(size: int) -> str:
    return f"{size / 2**20:.0f} MB"


def space_needed(paths: BuildPaths) -> int:
    """Bytes a build may write on the published file's filesystem (see STAGING_GROWTH)."""
    published = paths.published.stat().st_size if paths.published.exists() else 0
    return max(int(published * STAGING_GROWTH), FIRST_BUILD_BYTES) + DOCS_BYTES


def check_free_space(paths: BuildPaths) -> None:
    needed = space_needed(paths)
    free = shutil.disk_usage(paths.published.parent).free
    if free < needed:
        raise BuildFailed(
            f"The build needs about {mebibytes(needed)} free beside {paths.published} and only "
            f"{mebibytes(free)} is free: nothing was built."
        )


def is_disk_full(error: BaseException | None) -> bool:
    """An error, or one it was raised from, that says the disk is full (DuckDB says so only in prose)."""
    while error is not None:
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return True
        if DISK_FULL in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


@contextmanager
def step(paths: BuildPaths, doing: str, log: Path | None = None) -> Iterator[None]:
    """Turn a full disk or an interrupt during one step of the build into a sentence (and, for a step that
    keeps one, where its full output is)."""
    try:
        yield
    except BuildFailed:
        raise
    except (*INTERRUPTS, Exception) as error:
        if is_interrupt(error):
            raise BuildFailed(f"The build was interrupted while {doing}: nothing was published.", code=130) from error
        if is_disk_full(error):
            raise BuildFailed(
                f"The disk ran out of space while {doing} (the build needs about "
                f"{mebibytes(space_needed(paths))} free beside {paths.published}): nothing was published.",
                [str(error)] + ([f"dbt's full output: {log}"] if log else []),
            ) from error
        raise


@contextmanager
def console_to(path: Path) -> Iterator[None]:
    """Send what is written to standard output (file descriptor 1) to path while the block runs.

    `--log-level none` quiets dbt's console once its invocation has set up logging; an event fired
    before that (an interrupt while dbt reads its flags) still goes to the console logger dbt made at
    import, which holds its own handle on the descriptor. The build's own words go to stderr or after.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(path, "ab") as target:
            os.dup2(target.fileno(), 1)
            try:
                yield
            finally:
                sys.stdout.flush()
                os.dup2(saved, 1)
    finally:
        os.close(saved)


# What a reader runs next, printed after a build publishes.
NEXT_STEPS = """Next:
  make dashboard   the dashboard on http://127.0.0.1:8501
  make sql         a read-only SQL session on the published warehouse
  make docs        the dbt docs site: what each mart and column means
  DBT_TARGET=published .venv/bin/mf query --metrics market_value_usd --group-by metric_time__year \\
      --where "{{ Entity('geography') }} = 'global'" --decimals 2"""


def progress(stage: str) -> None:
    """One line per stage of the build on stdout; failures go to stderr, their sentence first."""
    print(stage, flush=True)


def point_semantic_manifest_at(published: Path, project_dir: Path) -> None:
    """Name the published file's catalog in target/semantic_manifest.json, which `mf query` reads.

    dbt wrote the manifest while building the staging file, and DuckDB names a file's catalog after the
    file, so every relation in it names the staging file's catalog: MetricFlow, reading the published
    file (profile target `published`), would find no such catalog. The build writes nothing but the
    staging file, so every catalog the manifest names is the staging file's.
    """
    path = project_dir / "target" / "semantic_manifest.json"
    if not path.exists():
        return
    with duckdb.connect(str(published), read_only=True) as connection:
        [(catalog,)] = connection.execute("select current_database()").fetchall()
    manifest = json.loads(path.read_text(encoding="utf-8"))

    def renamed(node: object) -> object:
        if isinstance(node, list):
            return [renamed(value) for value in node]
        if not isinstance(node, dict):
            return node
        node = {key: renamed(value) for key, value in node.items()}
        old = node.get("database")
        if isinstance(old, str) and "schema_name" in node:
            node["database"] = catalog
            if isinstance(node.get("relation_name"), str):
                node["relation_name"] = node["relation_name"].replace(f'"{old}"', f'"{catalog}"', 1)
        return node

    path.write_text(json.dumps(renamed(manifest)), encoding="utf-8")


def build(
    full: bool = False, project_dir: Path = PROJECT_DIR, published: Path | None = None, verbose: bool = False
) -> int:
    """Build, gate and publish; 0 when published, 1 when a check failed, 2 for bad input, 3 when
    something else holds the warehouse, 130 when interrupted. A failure is reported on stderr; with
    verbose, dbt's own lines (one per node) go to the console too."""
    paths = BuildPaths(published or warehouse_path())
    started = time.perf_counter()
    published_now = False
    try:
        with watching_ctrl_c(), build_lock(paths):
            try:
                if paths.in_progress.exists():
                    # a killed build may have left dbt's partial-parse cache half written: parse afresh
                    (project_dir / "target" / "partial_parse.msgpack").unlink(missing_ok=True)
                removed = remove_leftovers(paths)
                paths.in_progress.touch()
                outcome = run_pipeline(paths, full, project_dir, verbose)
                # an interrupt waits until the file is published and the user is told so
                with interrupts_deferred(), step(paths, "publishing"):
                    progress("4/4 Publishing")
                    publish(paths)
                    published_now = True
                    point_semantic_manifest_at(paths.published, project_dir)
                    for leftover in removed:
                        print(f"Removed {leftover.name}, left by an interrupted build.")
                    print(f"{outcome}, {time.perf_counter() - started:.1f} s).\n{NEXT_STEPS}", flush=True)
            finally:
                remove_leftovers(paths)
        return 0
    except BuildFailed as failure:
        report_failure(failure.sentence, failure.details)
        return failure.code
    except BuildInProgressError:
        report_failure(f"Another build of {paths.published} is running: wait for it to finish.")
        return 3
    except (*INTERRUPTS, Exception) as error:
        if is_interrupt(error):
            if published_now:
                return 0
            report_failure("The build was interrupted: nothing was published.")
            return 130
        if is_disk_full(error):
            report_failure(f"The disk holding {paths.published.parent} is full: nothing was published.", [str(error)])
            return 1
        log = bug_log(project_dir, paths)
        report_failure(
            f"The build stopped on an unexpected error ({type(error).__name__}: {error}), "
            f"a bug whose traceback is in {log}: nothing was published."
        )
        return 1


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back until the block ends (they are delivered then)."""
    held = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def bug_log(project_dir: Path, paths: BuildPaths) -> Path | str:
    """Write the traceback of an unexpected error where a developer can find it."""
    for directory in (project_dir / "logs", paths.published.parent, Path(tempfile.gettempdir())):
        log = directory / "build-error.log"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            log.write_text(traceback.format_exc(), encoding="utf-8")
            return log
        except OSError:
            continue
    return "no file (no disk had space for it)"


def report_failure(sentence: str, details: list[str] | None = None) -> None:
    """The sentence first, the details after it, and the promise last."""
    lines = [sentence, *map(str, details or []), UNCHANGED]
    print("\n".join(lines), file=sys.stderr, flush=True)


def read_seed_problems(project_dir: Path) -> list[str]:
    from scripts.seed_check import check_seeds

    try:
        return check_seeds(project_dir)
    except (*INTERRUPTS, Exception) as error:
        if is_interrupt(error):
            raise
        # a schema file that does not parse, or not as the check expects
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise BuildFailed(
            f"seeds/_seeds.yml{where} cannot be read as the seeds' schema ({problem}): nothing was built.",
            code=2,
        ) from error


def incremental_state(paths: BuildPaths, full: bool, checksum: str) -> tuple[dict | None, str | None]:
    """The manifest to build incrementally against (None for a full build) and why a build is full."""
    try:
        state = published_state(paths.published)
    except PublishedFileLockedError as error:
        raise BuildFailed(
            f"Process {error.holder} holds the published file {paths.published} open for writing, so the "
            "build can neither read what it was built from nor publish without discarding that process's "
            "writes: the build refuses to run; close that process and build again.",
            code=3,
        ) from error
    except duckdb.Error as error:
        return None, f"the published file cannot be read ({error}), so this build is a full one"
    if full:
        return None, None
    if state is None:
        return None, None
    if state.project_checksum != checksum:
        return None, "the project settings changed since the published build, so this build is a full one"
    if state.manifest is None:
        return None, "the published file records no dbt manifest, so this build is a full one"
    return state.manifest, None


def run_pipeline(paths: BuildPaths, full: bool, project_dir: Path, verbose: bool = False) -> str:
    """Check, build, gate and record a staging file ready to publish; the caller holds the build lock
    and publishes. Returns what to tell the user once it is published."""
    progress("1/4 Checking the seeds against seeds/_seeds.yml")
    with step(paths, "checking the seeds"):
        problems = read_seed_problems(project_dir)
    if problems:
        raise BuildFailed(f"{len(problems)} problem(s) in the seeds (below): nothing was built.", problems, code=2)
    checksum = project_checksum(project_dir)
    manifest, why_full = incremental_state(paths, full, checksum)
    check_free_space(paths)

    log_dir = project_dir / "logs" / "build"
    shutil.rmtree(log_dir, ignore_errors=True)
    with tempfile.TemporaryDirectory() as state_dir:
        console_level = "info" if verbose else "none"
        args = ["build", "--log-level", console_level, "--log-level-file", "info", "--log-path", str(log_dir)]
        if manifest is not None:
            with step(paths, "copying the published file"):
                (Path(state_dir) / "manifest.json").write_text(json.dumps(manifest))
                shutil.copy2(paths.published, paths.staging)
            # --full-refresh: a changed seed is loaded into a new table, so that a column added to or removed
            # from its file is not refused by the old table's (the project has no incremental models)
            args += ["--select", "state:modified+", "--state", state_dir, "--full-refresh"]
        what = "only what changed since the published build" if manifest is not None else "every node"
        progress(f"2/4 Building with dbt: {what} (dbt's output in {log_dir / 'dbt.log'})")
        with (
            step(paths, "building with dbt", log_dir / "dbt.log"),
            nullcontext() if verbose else console_to(log_dir / "dbt-console.log"),
        ):
            result = run_dbt(args, project_dir, warehouse=paths.staging)
            if result.exception is not None and is_interrupt(result.exception):
                raise result.exception
            if result.exception is not None and is_disk_full(result.exception):
                raise result.exception
    build_kind = "incremental" if manifest is not None else "full"
    nodes_passed, tests_passed, failed = dbt_counts(result)
    dbt_log = log_dir / "dbt.log"
    if not result.success:
        # a failed test that names the seed behind it (meta.seed_problem) is the sentence the user reads first
        seed_sentences = [line for line in failed if line.startswith("seeds/")]
        details = [f"dbt: {line}" for line in failed if not line.startswith("seeds/")]
        if result.exception is not None:
            details.append(f"dbt: {result.exception}")
        details.append(f"dbt's full output: {dbt_log}")
        if any(DISK_FULL in line for line in details):
            raise BuildFailed(
                f"The disk ran out of space while building with dbt (the build needs about "
                f"{mebibytes(space_needed(paths))} free beside {paths.published}): nothing was published.",
                details,
            )
        if seed_sentences:
            raise BuildFailed(seed_sentences[0], [*seed_sentences[1:], *details])
        raise BuildFailed(
            f"The dbt build failed ({len(failed)} node(s) failed, below): nothing was published.", details
        )

    from scripts.gate import run_gate

    progress("3/4 Running the great-expectations gate")
    with step(paths, "running the great-expectations gate and writing its Data Docs"):
        gate = run_gate(paths.staging, paths.data_docs, project_dir)
    summaries = [suite.summary() for suite in gate.suites] + [f"Data Docs: {gate.data_docs}"]
    if not gate.success:
        raise BuildFailed("The gate failed: nothing was published.", summaries)

    from scripts.seed_check import load_specs

    with step(paths, "recording the build in the staging file"):
        record_build(
            paths.staging,
            BuildRecord(
                build_kind=build_kind,
                dbt_nodes_passed=nodes_passed,
                dbt_tests_passed=tests_passed,
                gx_suites_passed=sum(s.success for s in gate.suites),
                gx_expectations_passed=gate.expectations_passed,
                seeds={name: spec.path for name, spec in load_specs(project_dir).items()},
                manifest_json=(project_dir / "target" / "manifest.json").read_text(encoding="utf-8"),
                project_checksum=checksum,
            ),
            project_dir,
        )
    lines = [f"Built in full: {why_full}."] if why_full else []
    lines += summaries
    lines += band_summary(paths.staging)
    lines.append(
        f"Published {paths.published} ({build_kind} build: {nodes_passed} dbt nodes and "
        f"{gate.expectations_passed} expectations passed; dbt's output in {dbt_log}"
    )
    return "\n".join(lines)


def band_summary(warehouse: Path) -> list[str]:
    """The simulation in a line, and where a base-case figure lies outside its own band, which assumption
    is behind it (marts.fct_band_exceptions, which the gate has checked names one for each)."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        draws, seed = connection.execute(
            "select count(*) filter (where run_kind = 'draw'), max(simulation_seed) "
            "from intermediate.int_simulation_runs"
        ).fetchall()[0]
        outside = connection.execute(
            "select assumptions.label_en, count(*) from marts.fct_band_exceptions as exceptions "
            "inner join marts.dim_assumption as assumptions "
            "on exceptions.explaining_assumption_id = assumptions.assumption_id "
            "group by assumptions.label_en order by count(*) desc, assumptions.label_en"
        ).fetchall()
    lines = [f"Simulation: {draws:,} draws (seed {seed}), a 5-95% band on every assumed figure."]
    if outside:
        named = "; ".join(f"{assumption} ({count})" for assumption, count in outside[:3])
        more = f" and {len(outside) - 3} more" if len(outside) > 3 else ""
        lines.append(
            f"{sum(count for _, count in outside)} base-case figures lie outside their own bands "
            f"(marts.fct_band_exceptions), behind them the lopsided ranges of: {named}{more}."
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.build", description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="rebuild every node, not only what changed")
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="the dbt project to build")
    parser.add_argument("--verbose", action="store_true", help="show dbt's own output, a line per node")
    options = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # pyspark, which dbt-spark brings, warns about pandas on import: noise before the build's own words
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
    return build(full=options.full, project_dir=options.project_dir.resolve(), verbose=options.verbose)


if __name__ == "__main__":
    try:
        code = main()
    except KeyboardInterrupt:  # before the build began or after it ended: nothing was touched
        report_failure("The build was interrupted before it began: nothing was published.")
        code = 130
    if code == 130:
        # after an interrupt dbt's worker threads may still be winding down, and waiting for them at
        # shutdown raises the interrupt again; the build has said everything and touched nothing: run the
        # exit handlers (multiprocessing's release its semaphores there) and leave without the wait
        sys.stdout.flush()
        sys.stderr.flush()
        atexit._run_exitfuncs()
        os._exit(code)
    sys.exit(code)
