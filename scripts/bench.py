"""Benchmark the pipeline (not a test): `make bench` prints a table of timings.

- full build: `python -m scripts.build --full` in a fresh process, seed check to publish, wall time;
  and the same pipeline again inside one warm process (imports already paid);
- per dbt node: the full build's wall time over the number of dbt nodes it ran;
- floor: every node's compiled SQL run back to back in one DuckDB connection, no dbt and no gate;
- rebuild after editing one seed: the same two ways, after changing the company-share seed;
- the dashboard: each page in each language (and the pages offering scenarios in one of them) run by
  Streamlit's AppTest (server-side: the script, its reads from the file and its charts, no browser) as
  a reader sees it again (reads and built charts cached per published file) and, beside it, its first
  view after a publish; the slowest page (target < 1 s);
  `python -m scripts.bench --pages` measures only these, on the published warehouse.

Every build of the table runs at one stated number of draws, BENCH_DRAWS (ACM_SIMULATION_DRAWS, if set,
instead), on every engine alike: the table measures the pipeline, whose simulation has its own
benchmark (scripts.bench_simulation); at the default draws the simulation would be most of every row.

Everything runs on a private copy of the project; the published warehouse is not touched. SIGTERM
stops it as Ctrl-C does: the throw-away PostgreSQL server and the copy are removed.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from scripts import build as pipeline
from scripts.project import PROJECT_DIR, WAREHOUSE_ENV, copy_project, exit_on_terminate

EDITED_SEED = Path("seeds/assumptions/assumed_company_shares.csv")


def edit_seed(project: Path, step: int) -> None:
    """Move one point of the 2025 share from NVIDIA to "others" (an odd step) or back (an even one),
    keeping the shares at 100. A rebuild's row measures an edit: a seed without those rows stops the
    benchmark rather than let it time a build with nothing to rebuild."""
    path = project / EDITED_SEED
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    moves = {"nvidia": -1.0, "others": 1.0} if step % 2 else {"nvidia": 1.0, "others": -1.0}
    moved = [row for row in rows if row["company_id"] in moves and row["year"] == "2025"]
    if len(moved) != len(moves):
        raise SystemExit(f"{EDITED_SEED} has no 2025 share of nvidia and others to move: no edit to rebuild after.")
    for row in moved:
        row["share_pct"] = str(float(row["share_pct"]) + moves[row["company_id"]])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def cold_build(project: Path, warehouse: Path, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "scripts.build", "--project-dir", str(project), *extra],
        cwd=PROJECT_DIR,
        env={**os.environ, WAREHOUSE_ENV: str(warehouse)},
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def warm_build(project: Path, warehouse: Path, full: bool) -> float:
    started = time.perf_counter()
    with open(os.devnull, "w") as sink, redirect_stdout(sink), redirect_stderr(sink):
        code = pipeline.build(full=full, project_dir=project, published=warehouse)
    if code != 0:
        raise SystemExit(f"the benchmark build failed with exit code {code}")
    return time.perf_counter() - started


def dbt_node_count(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute("select dbt_nodes_passed from meta.build_info").fetchall()[0][0]


def ordered_nodes(manifest: dict) -> list[dict]:
    """Seeds, models and data tests in an order that respects their dependencies."""
    nodes = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] in ("seed", "model", "test")
        and (node["resource_type"] == "seed" or node.get("compiled_code"))
    }
    graph = {uid: [p for p in node.get("depends_on", {}).get("nodes", []) if p in nodes] for uid, node in nodes.items()}
    return [nodes[uid] for uid in TopologicalSorter(graph).static_order()]


def floor_seconds(project: Path) -> tuple[float, int]:
    """Run every compiled statement in one in-memory DuckDB connection."""
    manifest = json.loads((project / "target" / "manifest.json").read_text(encoding="utf-8"))
    nodes = ordered_nodes(manifest)
    connection = duckdb.connect(":memory:", config={"threads": 1})
    # the compiled SQL names its database (the build's file): give the in-memory one that name
    database = nodes[0]["database"]
    connection.execute(f"attach ':memory:' as \"{database}\"")
    connection.execute(f'use "{database}"')
    for schema in {node["schema"] for node in nodes}:
        connection.execute(f'create schema if not exists "{schema}"')
    started = time.perf_counter()
    for node in nodes:
        relation = f'"{node["schema"]}"."{node["alias"]}"'
        if node["resource_type"] == "seed":
            types = node["config"].get("column_types", {})
            path = project / node["original_file_path"]
            connection.execute(
                f"create or replace table {relation} as select * from read_csv(?, columns = ?)",
                [
                    str(path),
                    types,
                ],
            )
        elif node["resource_type"] == "model":
            kind = "view" if node["config"]["materialized"] == "view" else "table"
            connection.execute(f"create or replace {kind} {relation} as {node['compiled_code']}")
        else:
            connection.execute(f"select count(*) from ({node['compiled_code']}) as test_rows").fetchall()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, len(nodes)


def target_build_seconds(project: Path, target: str, env: dict[str, str], cwd: Path) -> tuple[float, int]:
    """Wall time of a full `dbt build --target TARGET` in a fresh process, and its node count."""
    target_path = project / f"target-{target}"
    started = time.perf_counter()
    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--target",
            target,
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project / "profiles"),
            "--target-path",
            str(target_path),
        ],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"the {target} build failed:\n{completed.stdout[-2000:]}")
    results = json.loads((target_path / "run_results.json").read_text(encoding="utf-8"))
    return elapsed, len(results["results"])


def postgres_build_seconds(project: Path, scratch: Path) -> tuple[float, int] | None:
    """A full build on a throw-away local PostgreSQL 15, or None without its binaries."""
    from scripts import local_postgres

    if not local_postgres.is_available():
        return None
    with local_postgres.running_server() as server:
        return target_build_seconds(project, "postgres", server.env(), scratch)


def spark_build_seconds(project: Path, scratch: Path) -> tuple[float, int] | None:
    """A full build on Spark in local session mode, or None without Java."""
    if shutil.which("java") is None:
        return None
    return target_build_seconds(project, "spark", {"ACM_SPARK_DIR": str(scratch / "spark")}, scratch)


PAGE_TARGET_SECONDS = 1.0
BENCH_DRAWS = 1000


def page_seconds(warehouse: Path) -> list[tuple[str, str, float, float]]:
    """Each dashboard page in each language on warehouse: (page, language, seconds of its script run as a
    reader sees it again, seconds of its first run after a publish, when nothing is cached)."""
    import logging

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    sys.path.insert(0, str(PROJECT_DIR / "dashboard"))
    from labels import LANGUAGES, PAGES

    # AppTest warns on every run that it runs without a server and keeps its cache in memory; it sets
    # streamlit's log levels again as it runs, so a filter rather than a level keeps those lines out
    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.runtime.caching.cache_data_api"):
        logging.getLogger(name).addFilter(lambda record: record.levelno >= logging.ERROR)
    os.environ[WAREHOUSE_ENV] = str(warehouse)
    timings = []
    # every page as it opens, and the pages that offer scenarios in one of them
    views = [(page, {}) for page in PAGES] + [
        (page, {"scenario": "custom_silicon"}) for page in ("overview", "segments", "geography")
    ]
    for language in LANGUAGES:
        for page, parameters in views:
            app = AppTest.from_file(str(PROJECT_DIR / "dashboard" / "app.py"), default_timeout=120)
            app.query_params["page"] = page
            app.query_params["lang"] = language
            app.query_params.update(parameters)
            name = page + "".join(f", {key} {value}" for key, value in parameters.items())
            # the first run pays for AppTest's scan of every installed package for components, which a
            # served dashboard pays once at start-up
            app.run()
            st.cache_data.clear()  # the cache is the process's: as after a publish, nothing is cached
            started = time.perf_counter()
            app.run()
            first = time.perf_counter() - started
            started = time.perf_counter()
            app.run()  # reads and charts from the cache, as a reader's next view of the page
            timings.append((name, language, time.perf_counter() - started, first))
            if app.exception:
                raise RuntimeError(f"page {name} ({language}) failed: {app.exception[0].value}")
    return timings


def page_rows(warehouse: Path) -> list[tuple[str, str, str]]:
    timings = page_seconds(warehouse)
    rows = [
        (f"dashboard page {page} ({language})", f"{seconds:.2f} s", f"first view after a publish {first:.2f} s")
        for page, language, seconds, first in timings
    ]
    page, language, seconds, _ = max(timings, key=lambda timing: timing[2])
    verdict = "within" if seconds < PAGE_TARGET_SECONDS else "over"
    rows.append(("slowest dashboard page", f"{seconds:.2f} s", f"{page} ({language}), {verdict} the 1 s target"))
    return rows


def print_table(rows: list[tuple[str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>9}  note")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 30}")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>9}  {note}")


def main() -> int:
    if "--pages" in sys.argv[1:]:
        from scripts.project import warehouse_path

        print_table(page_rows(warehouse_path()))
        return 0
    exit_on_terminate()
    draws = int(os.environ.setdefault("ACM_SIMULATION_DRAWS", str(BENCH_DRAWS)))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        project = copy_project(root / "project")
        warehouse = root / "warehouse" / "bench.duckdb"
        cold_build(project, warehouse, "--full")  # warm dbt's partial parsing and the OS file cache

        full_cold = cold_build(project, warehouse, "--full")
        nodes = dbt_node_count(warehouse)
        edit_seed(project, 1)
        rebuild_cold = cold_build(project, warehouse)
        rebuilt_nodes = dbt_node_count(warehouse)

        full_warm = warm_build(project, warehouse, full=True)
        floor, floor_nodes = floor_seconds(project)  # the full build's manifest has every node compiled
        edit_seed(project, 2)
        rebuild_warm = warm_build(project, warehouse, full=False)
        pages = page_rows(warehouse)
        on_postgres = postgres_build_seconds(project, root)
        on_spark = spark_build_seconds(project, root)

    rows = [
        ("full build, fresh process (wall)", f"{full_cold:.2f} s", f"{nodes} dbt nodes, {draws:,} draws"),
        ("full build, warm process", f"{full_warm:.2f} s", ""),
        ("seconds per dbt node (end to end)", f"{full_cold / nodes:.3f} s", "target <= 0.10"),
        ("floor: compiled SQL in one DuckDB connection", f"{floor:.2f} s", f"{floor_nodes} seeds, models, tests"),
        ("floor per node", f"{floor / floor_nodes:.4f} s", ""),
        ("rebuild after editing one seed, fresh process", f"{rebuild_cold:.2f} s", f"{rebuilt_nodes} dbt nodes"),
        ("rebuild after editing one seed, warm process", f"{rebuild_warm:.2f} s", ""),
        ("rebuild / full build, fresh process", f"{rebuild_cold / full_cold:.0%}", "target <= 60%"),
        ("rebuild / full build, warm process", f"{rebuild_warm / full_warm:.0%}", "target <= 60%"),
    ]
    if on_postgres is not None:
        seconds, postgres_nodes = on_postgres
        rows += [
            (
                "PostgreSQL: dbt build --target postgres (fresh process)",
                f"{seconds:.2f} s",
                f"{postgres_nodes} dbt nodes, {draws:,} draws",
            ),
            ("PostgreSQL: seconds per dbt node", f"{seconds / postgres_nodes:.3f} s", ""),
        ]
    if on_spark is not None:
        seconds, spark_nodes = on_spark
        rows += [
            (
                "Spark (local session): dbt build --target spark",
                f"{seconds:.2f} s",
                f"{spark_nodes} dbt nodes, {draws:,} draws",
            ),
            ("Spark: seconds per dbt node", f"{seconds / spark_nodes:.3f} s", ""),
        ]
    print_table(rows + pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
