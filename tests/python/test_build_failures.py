"""A build that fails says why first, ends with the published file unchanged, and leaves it so;
an incremental build gives the same marts, bit for bit, as a full one whatever the history."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import published_copy

from scripts import build as pipeline
from scripts import gate, publish
from scripts.project import PROJECT_DIR, WAREHOUSE_ENV, copy_project, run_dbt
from scripts.publish import BuildPaths, build_lock, mart_checksums

UNCHANGED = "The published warehouse is unchanged."
SEGMENT = "assumptions/assumed_segment_shares.csv"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def published(golden, tmp_path_factory) -> tuple[Path, Path]:
    return published_copy(golden, tmp_path_factory.mktemp("failures"))


@pytest.fixture
def warehouse_copy(published, tmp_path) -> Path:
    """A copy of the published warehouse (and its build record) that a test may build over."""
    copy = tmp_path / "warehouse" / "accelerator_card_market.duckdb"
    copy.parent.mkdir()
    shutil.copy2(published[1], copy)
    return copy


def assert_failed_cleanly(code: int, error: str, warehouse: Path, before: str, first_words: str) -> list[str]:
    """One sentence first, saying why; the promise last; no traceback; the file as it was."""
    lines = error.strip().splitlines()
    assert code != 0
    assert first_words in lines[0], error
    assert lines[0].endswith("."), lines[0]
    assert lines[-1] == UNCHANGED, error
    assert "Traceback" not in error
    assert sha256(warehouse) == before
    assert BuildPaths(warehouse).leftovers() == []
    return lines


def test_broken_seeds_yaml_is_named_with_its_line_and_keeps_published_file(warehouse_copy, tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    schema = project / "seeds" / "_seeds.yml"
    schema.write_text(schema.read_text(encoding="utf-8") + "\n  - name: [unclosed\n", encoding="utf-8")
    before = sha256(warehouse_copy)
    code = pipeline.build(project_dir=project, published=warehouse_copy)
    lines = assert_failed_cleanly(code, capsys.readouterr().err, warehouse_copy, before, "seeds/_seeds.yml, line")
    assert code == 2 and len(lines) == 2


def test_bad_seed_says_how_many_problems_first_then_each_one(warehouse_copy, tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    seed = project / "seeds" / SEGMENT
    seed.write_bytes(seed.read_bytes().replace(b",cpu,2021,13.2,", b",cpu,2021,13.2%,", 1))
    before = sha256(warehouse_copy)
    code = pipeline.build(project_dir=project, published=warehouse_copy)
    lines = assert_failed_cleanly(code, capsys.readouterr().err, warehouse_copy, before, "problem(s) in the seeds")
    assert any(line.startswith(f"seeds/{SEGMENT}, row 2, column share_pct") for line in lines[1:-1])


def test_build_refuses_while_another_build_holds_the_lock(published, warehouse_copy, capsys):
    project, _ = published
    before = sha256(warehouse_copy)
    with build_lock(BuildPaths(warehouse_copy)):
        code = pipeline.build(project_dir=project, published=warehouse_copy)
    assert code == 3
    assert_failed_cleanly(code, capsys.readouterr().err, warehouse_copy, before, "Another build of")


HOLDER = textwrap.dedent(
    """
    import sys, time, duckdb
    connection = duckdb.connect(sys.argv[1])
    print("held", flush=True)
    sys.stdin.readline()
    """
)


@pytest.fixture
def writer(warehouse_copy) -> Iterator[subprocess.Popen]:
    """Another process holding the warehouse open read-write, until the test ends."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse_copy)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "held"
    yield process
    process.stdin.close()
    process.wait(timeout=30)


@pytest.mark.parametrize("full", [False, True])
def test_build_refuses_and_names_the_process_writing_the_published_file(
    full, published, warehouse_copy, writer, capsys
):
    project, _ = published
    # the writer may change the file while it holds it: compare it as the writer left it
    before = sha256(warehouse_copy)
    code = pipeline.build(full=full, project_dir=project, published=warehouse_copy)
    lines = assert_failed_cleanly(code, capsys.readouterr().err, warehouse_copy, before, f"Process {writer.pid}")
    assert "the build refuses to run" in lines[0] and len(lines) == 2


def test_write_lock_holder_is_none_for_readers_only(warehouse_copy):
    with duckdb.connect(str(warehouse_copy), read_only=True):
        pass
    assert publish.write_lock_holder(warehouse_copy) is None


@pytest.fixture
def small_disk(tmp_path, published) -> Iterator[Path]:
    """A real, small filesystem (tmpfs) mounted for the test, where this machine allows it: room for the
    published file and half of it again, less than any build writes beside it."""
    _, warehouse = published
    size_mb = warehouse.stat().st_size * 3 // 2 // 2**20 + 4
    mount = tmp_path / "small-disk"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mount)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_build_without_the_free_space_it_needs_refuses_before_it_starts(published, small_disk, capsys):
    project, warehouse = published
    target = small_disk / "accelerator_card_market.duckdb"
    shutil.copy2(warehouse, target)
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (shutil.disk_usage(small_disk).free - 2 * 2**20))
    before = sha256(target)
    code = pipeline.build(project_dir=project, published=target)
    lines = assert_failed_cleanly(code, capsys.readouterr().err, target, before, "The build needs about")
    needed = pipeline.mebibytes(pipeline.space_needed(BuildPaths(target)))
    assert f"needs about {needed} free" in lines[0] and "only 2 MB is free" in lines[0]


def enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def duckdb_disk_full(*args, **kwargs):
    raise duckdb.IOException(f'IO Error: Could not write file "x": {os.strerror(errno.ENOSPC)}')


# Every place a build writes, made to fail as a full disk fails there.
WRITE_POINTS = {
    "copy": (shutil, "copy2", enospc, "copying the published file"),
    "gate": (gate, "run_gate", enospc, "running the great-expectations gate"),
    "meta": (pipeline, "record_build", duckdb_disk_full, "recording the build"),
    "publish": (os, "replace", enospc, "publishing"),
}


@pytest.mark.parametrize("point", sorted(WRITE_POINTS))
def test_full_disk_at_each_write_point_says_so_and_keeps_published_file(
    point, published, warehouse_copy, monkeypatch, capsys
):
    project, _ = published
    module, name, failure, doing = WRITE_POINTS[point]
    monkeypatch.setattr(module, name, failure)
    before = sha256(warehouse_copy)
    code = pipeline.build(project_dir=project, published=warehouse_copy)  # nothing changed: dbt has little to do
    lines = assert_failed_cleanly(code, capsys.readouterr().err, warehouse_copy, before, "The disk ran out of space")
    assert doing in lines[0]


def test_full_disk_inside_dbt_says_so_and_keeps_published_file(published, small_disk, monkeypatch, capsys):
    """A real full disk, reached while dbt writes the staging file of a full build."""
    project, warehouse = published
    target = small_disk / "accelerator_card_market.duckdb"
    shutil.copy2(warehouse, target)
    monkeypatch.setattr(pipeline, "space_needed", lambda paths: 0)  # let it start, to run out inside
    before = sha256(target)
    code = pipeline.build(full=True, project_dir=project, published=target)
    lines = assert_failed_cleanly(code, capsys.readouterr().err, target, before, "The disk ran out of space")
    assert "building with dbt" in lines[0] or "gate" in lines[0]
    assert any("dbt's full output" in line for line in lines) or "gate" in lines[0]


@pytest.fixture(scope="module")
def edited_build(published, tmp_path_factory) -> dict:
    """An incremental build over a copy of the published warehouse (a full build) after editing a share
    seed, the copy's folder watched for what it really writes; the seed restored after. The copy, the
    space the build said it needed beforehand and the most the folder grew while it ran."""
    project, warehouse = published
    copy = tmp_path_factory.mktemp("edited") / "accelerator_card_market.duckdb"
    shutil.copy2(warehouse, copy)

    def used() -> int:
        return sum(p.stat().st_blocks * 512 for p in copy.parent.rglob("*") if p.is_file() and p.exists())

    needed = pipeline.space_needed(BuildPaths(copy))
    start, peak, stop = used(), [0], threading.Event()

    def watch() -> None:
        while not stop.is_set():
            with contextlib.suppress(FileNotFoundError):
                peak[0] = max(peak[0], used())
            time.sleep(0.01)

    seed = project / "seeds" / SEGMENT
    original = seed.read_bytes()
    edited = original.replace(b",cpu,2021,13.2,", b",cpu,2021,15.2,", 1)
    edited = edited.replace(b",gpu,2021,51.7,", b",gpu,2021,49.7,", 1)
    assert edited != original
    seed.write_bytes(edited)
    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        # a reader holds the copy: no step but the publish may open it read-write
        with duckdb.connect(str(copy), read_only=True):
            code = pipeline.build(project_dir=project, published=copy)
    finally:
        stop.set()
        watcher.join()
        seed.write_bytes(original)
    return {"code": code, "warehouse": copy, "needed": needed, "grew": peak[0] - start}


def test_free_space_estimate_covers_what_an_incremental_build_really_writes(edited_build):
    assert edited_build["code"] == 0
    assert 0 < edited_build["grew"] <= edited_build["needed"]


def test_incremental_build_after_edit_and_revert_matches_a_full_build_cell_by_cell(published, edited_build):
    """The published warehouse is a full build; the edited build over its copy, then the seed reverted and
    built again."""
    project, warehouse = published
    copy = edited_build["warehouse"]
    assert edited_build["code"] == 0
    assert mart_checksums(copy) != mart_checksums(warehouse)
    assert pipeline.build(project_dir=project, published=copy) == 0
    with duckdb.connect(str(copy), read_only=True) as connection:
        assert connection.execute("select build_kind from meta.build_info").fetchall()[0] == ("incremental",)
    assert mart_checksums(copy) == mart_checksums(warehouse)


def test_marts_do_not_depend_on_the_row_order_of_the_tables_they_are_built_from(published, warehouse_copy):
    """Store the roll-up's inputs in another physical order, rebuild from them: the same bits."""
    project, warehouse = published
    with duckdb.connect(str(warehouse_copy)) as connection:
        for table in ("int_segment_values__allocated", "int_geographies__ancestry"):
            connection.execute(
                f"create or replace table intermediate.{table} as "
                f"select * from intermediate.{table} order by hash(rowid * 7919) desc"
            )
    with pytest.MonkeyPatch.context() as env:
        env.setenv(WAREHOUSE_ENV, str(warehouse_copy))
        result = run_dbt(["run", "--select", "int_segment_values__rolled_up+", "--log-level", "none"], project)
    assert result.success
    assert mart_checksums(warehouse_copy) == mart_checksums(warehouse)


def test_plain_rebuild_into_an_existing_file_matches_a_fresh_build(published, warehouse_copy):
    project, warehouse = published
    with pytest.MonkeyPatch.context() as env:
        env.setenv(WAREHOUSE_ENV, str(warehouse_copy))
        result = run_dbt(["run", "--log-level", "none"], project)
    assert result.success
    assert mart_checksums(warehouse_copy) == mart_checksums(warehouse)


def test_ctrl_c_stopping_a_duckdb_query_of_the_seed_check_is_an_interrupt(
    published, warehouse_copy, monkeypatch, capsys
):
    """DuckDB stops a query it is running on Ctrl-C and raises its own exception (duckdb 2.0: a plain
    RuntimeError), not KeyboardInterrupt: the build still says it was interrupted (exit 130), not that the
    seeds' schema is unreadable. A real SIGINT reaches a real DuckDB query here."""
    from scripts import seed_check

    def stopped_by_ctrl_c(project_dir: Path) -> list[str]:
        ctrl_c = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
        ctrl_c.start()
        with duckdb.connect() as connection:  # some minutes of work, stopped after half a second
            connection.execute("select count(*) from range(10000000000) as r(x) where hash(x) % 7 = 3").fetchall()
        return []

    monkeypatch.setattr(seed_check, "check_seeds", stopped_by_ctrl_c)
    monkeypatch.setenv(WAREHOUSE_ENV, str(warehouse_copy))
    before = sha256(warehouse_copy)
    # SIGINT as a terminal's foreground process has it (pytest-xdist's workers ignore it)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        code = pipeline.build(full=True, project_dir=published[0])
    finally:
        signal.signal(signal.SIGINT, previous)
    error = capsys.readouterr().err
    assert code == 130
    assert_failed_cleanly(code, error, warehouse_copy, before, "The build was interrupted while checking the seeds")


def test_interrupted_build_says_so_first_and_keeps_published_file(published, tmp_path):
    project, warehouse = published
    target = tmp_path / "warehouse" / "accelerator_card_market.duckdb"
    target.parent.mkdir()
    shutil.copy2(warehouse, target)
    env = {**os.environ, WAREHOUSE_ENV: str(target)}
    command = [sys.executable, "-m", "scripts.build", "--full", "--project-dir", str(project)]
    for delay in (0.3, 4.0, 12.0):
        before = sha256(target)
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=300)
        if process.returncode == 0:  # it finished first, and published
            continue
        assert process.returncode == 130, err.decode()
        assert_failed_cleanly(process.returncode, err.decode(), target, before, "The build was interrupted")
        # nothing on stdout but the progress lines of the stages it began
        assert all(re.match(rb"[1-4]/4 ", line) for line in out.splitlines()), out.decode()
