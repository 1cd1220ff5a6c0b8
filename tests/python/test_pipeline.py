"""Write-audit-publish: readers only ever see a warehouse that passed, and bad input costs them nothing."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from conftest import published_copy, read_seed

from scripts import build as pipeline
from scripts.gate import run_gate, suites
from scripts.project import PROJECT_DIR, WAREHOUSE_ENV, copy_project, project_vars
from scripts.publish import BuildPaths, mart_checksums


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_id(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute("select build_id from meta.build_info").fetchall()[0][0]


@pytest.fixture(scope="module")
def published(golden, tmp_path_factory) -> tuple[Path, Path]:
    """A published warehouse of this module's own: its tests publish over it and kill builds of it."""
    return published_copy(golden, tmp_path_factory.mktemp("published"))


def edit_seed(project: Path, relative: str, edit) -> Path:
    path = project / "seeds" / relative
    path.write_bytes(edit(path.read_bytes()))
    return path


def replace_line(number: int, new_line: str):
    def edit(raw: bytes) -> bytes:
        lines = raw.decode("utf-8").split("\n")
        lines[number - 1] = new_line
        return "\n".join(lines).encode("utf-8")

    return edit


def drop_column(index: int):
    def edit(raw: bytes) -> bytes:
        rows = [line.split(b",") for line in raw.split(b"\n")]
        return b"\n".join(b",".join(row[:index] + row[index + 1 :]) for row in rows)

    return edit


def add_column(raw: bytes) -> bytes:
    return b"\n".join(line + b",x" if line else line for line in raw.split(b"\n"))


COMPANY = "assumptions/assumed_company_shares.csv"
SEGMENT = "assumptions/assumed_segment_shares.csv"
GEOGRAPHY = "assumptions/assumed_geography_shares.csv"
MARKET = "report/report_market_size.csv"
RATIONALE = "Assumed."


def company_line(company: str, share: str) -> str:
    """A row of the company shares seed, in its columns' order, with NVIDIA's range."""
    return (
        f"company_share__{company}__2025,{company},2025,{share},40.0,75.0,pert,assumption,"
        f"{RATIONALE},{RATIONALE},no_public_evidence,warehouse_assumptions"
    )


BAD_INPUTS = {
    "percent_sign": (
        COMPANY,
        replace_line(2, company_line("nvidia", "55.0%")),
        "row 2, column share_pct",
        "without a percent sign",
    ),
    "thousands_separator": (
        MARKET,
        replace_line(2, 'global,2025,"6,320",USD billion,reported,techsci_report_en'),
        "row 2, column value",
        "without thousands separators",
    ),
    "wrong_type": (
        MARKET,
        replace_line(3, "global,twenty,35.66,USD billion,reported,techsci_report_en"),
        "row 3, column year",
        "expected a whole number",
    ),
    "byte_order_mark": (COMPANY, lambda raw: b"\xef\xbb\xbf" + raw, "row 1, column assumption_id", "byte-order mark"),
    "wrong_delimiter": (COMPANY, lambda raw: raw.replace(b",", b";"), "row 1", "found values separated by ';'"),
    "duplicate_key": (
        COMPANY,
        replace_line(3, company_line("amd", "6.0").replace(",amd,", ",nvidia,")),
        "row 3, column year",
        "duplicate key (company_id=nvidia, year=2025), first on row 2",
    ),
    "unknown_geography": (
        GEOGRAPHY,
        replace_line(
            2,
            f"geography_share__north_america__2021,atlantis,2021,41,30.7,51.3,pert,assumption,{RATIONALE},"
            f"{RATIONALE},no_public_evidence,warehouse_assumptions",
        ),
        "row 2, column geography_id",
        "unknown geography_id='atlantis'",
    ),
    "unknown_segment": (
        SEGMENT,
        lambda raw: raw.replace(b",processor_type,gpu,2021,", b",processor_type,tpu,2021,", 1),
        "row 3, column segment_id",
        "unknown breakdown_id='processor_type', segment_id='tpu'",
    ),
    "missing_column": (
        COMPANY,
        drop_column(3),
        "row 1, column share_pct",
        "the declared column is missing",
    ),
    "extra_column": (
        COMPANY,
        add_column,
        "row 1, column",
        "the column is not declared",
    ),
    "share_over_100": (
        COMPANY,
        replace_line(2, company_line("nvidia", "134.0")),
        "row 2, column share_pct",
        "expected a share from 0 to 100, found 134.0",
    ),
    "share_below_0": (
        COMPANY,
        replace_line(2, company_line("nvidia", "-1")),
        "row 2, column share_pct",
        "expected a share from 0 to 100, found -1",
    ),
    "shares_not_summing_to_100": (
        COMPANY,
        replace_line(2, company_line("nvidia", "54.0")),
        "row 2, column share_pct",
        "sum to 99, expected 100",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_seed_names_file_row_and_column_and_keeps_published_file(case, published, tmp_path, capsys):
    _, warehouse = published
    relative, edit, where, what = BAD_INPUTS[case]
    project = copy_project(tmp_path / "project")
    edit_seed(project, relative, edit)
    before = sha256(warehouse)

    code = pipeline.build(project_dir=project, published=warehouse)

    error = capsys.readouterr().err
    assert code == 2
    assert f"seeds/{relative}, {where}" in error
    assert what in error
    assert "Traceback" not in error
    assert "The published warehouse is unchanged." in error
    assert sha256(warehouse) == before


def test_gate_failure_blocks_publishing_and_data_docs_show_it(published, tmp_path, monkeypatch, capsys):
    _, warehouse = published
    project = copy_project(tmp_path / "project")
    before = sha256(warehouse)
    real_run_dbt = pipeline.run_dbt

    def build_then_break_a_share(args, project_dir, **options):
        # a fault dbt's own tests would miss: the gate must catch it on its own
        result = real_run_dbt([*args, "--exclude", "test_type:data"], project_dir, **options)
        staging = BuildPaths(warehouse).staging
        with duckdb.connect(str(staging)) as connection:
            connection.execute(
                "update marts.fct_company_share set share_pct = share_pct - 1 where company_id = 'others'"
            )
        return result

    monkeypatch.setattr(pipeline, "run_dbt", build_then_break_a_share)
    code = pipeline.build(full=True, project_dir=project, published=warehouse)

    output = capsys.readouterr()
    assert code == 1
    assert "gate share_breakdowns" in output.err and "FAILED" in output.err
    assert "The gate failed: nothing was published." in output.err
    assert sha256(warehouse) == before
    docs = BuildPaths(warehouse).data_docs
    pages = "".join(page.read_text(encoding="utf-8") for page in (docs / "validations").rglob("*.html"))
    assert "share_total_pct" in pages and "Failed" in pages
    assert not BuildPaths(warehouse).staging.exists()


def test_gate_passes_on_the_built_warehouse_and_reports_every_suite(published, tmp_path):
    _, warehouse = published
    result = run_gate(warehouse, tmp_path / "docs")
    assert result.success
    declared = suites(project_vars())
    assert [s.name for s in result.suites] == [s.name for s in declared]
    assert "share_breakdowns" in {s.name for s in result.suites}
    assert [s.evaluated for s in result.suites] == [len(s.expectations) for s in declared]
    assert (tmp_path / "docs" / "index.html").exists()


def test_published_file_records_what_it_was_built_from(published):
    project, warehouse = published
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        info = connection.execute(
            "select git_commit, build_kind, dbt_tests_passed, gx_expectations_passed from meta.build_info"
        ).fetchall()[0]
        seeds = dict(connection.execute("select path, sha256 from meta.seed_checksums").fetchall())
    expectations = sum(len(suite.expectations) for suite in suites(project_vars(project)))
    assert info[1] == "full" and info[2] > 100 and info[3] == expectations and info[0]
    on_disk = {str(p.relative_to(project)): sha256(p) for p in (project / "seeds").rglob("*.csv")}
    assert seeds == on_disk


def test_rebuild_after_editing_a_seed_builds_only_what_changed_and_matches_a_full_build(published, tmp_path):
    # a fresh copy of the project, published as the module's copy of the same files was (a copy of that file)
    project = copy_project(tmp_path / "project")
    incremental = tmp_path / "incremental" / "warehouse.duckdb"
    incremental.parent.mkdir()
    shutil.copy2(published[1], incremental)
    # one point of share from NVIDIA to the others, whatever the seed assumes today
    shares = {row["company_id"]: row["share_pct"] for row in read_seed(COMPANY, project)}
    moved = {company: f"{float(shares[company]) + change:.1f}" for company, change in (("nvidia", -1), ("others", 1))}
    edit_seed(
        project,
        COMPANY,
        lambda raw: raw.replace(
            f",nvidia,2025,{shares['nvidia']},".encode(), f",nvidia,2025,{moved['nvidia']},".encode()
        ).replace(f",others,2025,{shares['others']},".encode(), f",others,2025,{moved['others']},".encode()),
    )

    assert pipeline.build(project_dir=project, published=incremental) == 0
    with duckdb.connect(str(incremental), read_only=True) as connection:
        kind, nodes = connection.execute("select build_kind, dbt_nodes_passed from meta.build_info").fetchall()[0]
        nvidia = connection.execute(
            "select share_pct from marts.fct_company_share where company_id = 'nvidia'"
        ).fetchall()[0]
    assert (kind, nvidia) == ("incremental", (float(moved["nvidia"]),))
    full = tmp_path / "full" / "warehouse.duckdb"
    assert pipeline.build(full=True, project_dir=project, published=full) == 0
    with duckdb.connect(str(full), read_only=True) as connection:
        [(every_node,)] = connection.execute("select dbt_nodes_passed from meta.build_info").fetchall()
    assert 0 < nodes < every_node
    assert mart_checksums(incremental) == mart_checksums(full)


READER = textwrap.dedent(
    """
    import json, sys, time, duckdb
    path, stop = sys.argv[1], sys.argv[2]
    connection = duckdb.connect(path, read_only=True)
    seen, errors, reads = set(), [], 0
    print("ready", flush=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            seen.add(connection.execute("select build_id from meta.build_info").fetchall()[0][0])
            connection.execute("select count(*) from marts.report_tables").fetchall()[0]
            reads += 1
        except Exception as error:
            errors.append(repr(error))
        try:
            open(stop).close()
            break
        except FileNotFoundError:
            time.sleep(0.05)
    print(json.dumps({"seen": sorted(seen), "errors": errors, "reads": reads}), flush=True)
    """
)


@pytest.fixture(scope="module")
def rebuilt_while_read(published, tmp_path_factory) -> dict:
    """The module's project built again in full from the same inputs and published over its warehouse,
    while another process reads that warehouse: the build ids and marts before and after, and what the
    reader saw."""
    project, warehouse = published
    before = {"build": build_id(warehouse), "marts": mart_checksums(warehouse)}
    stop = tmp_path_factory.mktemp("reader") / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse), str(stop)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        assert pipeline.build(full=True, project_dir=project, published=warehouse) == 0
        after = {"build": build_id(warehouse), "marts": mart_checksums(warehouse)}
        stop.touch()
        report = json.loads(reader.stdout.readline())
    finally:
        reader.kill()
        reader.wait()
    return {"before": before, "after": after, "reader": report}


def test_two_builds_from_the_same_inputs_have_identical_marts(rebuilt_while_read):
    before, after = rebuilt_while_read["before"], rebuilt_while_read["after"]
    assert after["build"] != before["build"]
    assert after["marts"] == before["marts"]


def test_reader_keeps_reading_old_data_while_a_build_publishes(rebuilt_while_read):
    report = rebuilt_while_read["reader"]
    assert report["errors"] == []
    assert report["seen"] == [rebuilt_while_read["before"]["build"]]
    assert report["reads"] > 0


def read_until(process: subprocess.Popen, stage: str) -> bool:
    """Read the build's progress lines until the one of stage ("3/4"): whether it came before the build
    ended."""
    return any(line.startswith(stage) for line in process.stdout)


# a node dbt's log reports done: "12 of 503 OK created sql table model ..." ("PASS" for a test)
DBT_NODE_DONE = re.compile(r" (\d+) of (\d+) (?:OK|PASS) ")


def wait_until_dbt_is_half_done(process: subprocess.Popen, dbt_log: Path) -> bool:
    """Wait until dbt's log (which the build starts afresh) reports a node of the second half of the
    build done: whether that came before the build ended."""
    while process.poll() is None:
        done = DBT_NODE_DONE.findall(dbt_log.read_text(encoding="utf-8", errors="replace")) if dbt_log.exists() else []
        if any(2 * int(node) > int(count) for node, count in done):
            return True
        time.sleep(0.2)
    return False


def test_build_killed_at_any_point_leaves_published_file_and_next_build_succeeds(published, tmp_path):
    """Builds killed (SIGKILL) at each stage: as dbt starts and half-way through dbt (full builds), as
    the gate starts and as publishing starts (builds with nothing changed, which reach those stages
    sooner and run them alike). The kills follow the build's own progress lines and dbt's log, so they
    land where they are meant to on a fast machine or a loaded one."""
    project, warehouse = published
    env = {**os.environ, WAREHOUSE_ENV: str(warehouse)}
    command = [sys.executable, "-m", "scripts.build", "--project-dir", str(project)]
    killed = unchanged = 0
    for stage, full in (("2/4", True), ("half of dbt", True), ("3/4", False), ("4/4", False)):
        before = sha256(warehouse)
        process = subprocess.Popen(
            [*command, *(["--full"] if full else [])],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        reached = read_until(process, "2/4" if stage == "half of dbt" else stage)
        if reached and stage == "half of dbt":
            wait_until_dbt_is_half_done(process, project / "logs" / "build" / "dbt.log")
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
            process.wait()
            unchanged += sha256(warehouse) == before
            if sha256(warehouse) != before:
                # only the final rename changes the file: a kill after it finds the build published
                # in full, and a file that passes the gate
                assert run_gate(warehouse, tmp_path / "docs").success, f"killed at {stage}"
        else:
            assert process.wait() == 0, process.stderr.read()  # it finished first, and published
        process.stdout.close()
        process.stderr.close()
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            assert connection.execute("select count(*) from marts.report_tables").fetchall()[0][0] > 0
    assert killed >= 3
    assert unchanged >= 3

    completed = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    assert BuildPaths(warehouse).leftovers() == []
