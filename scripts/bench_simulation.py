"""Benchmark the simulation (not a test): `python -m scripts.bench_simulation` (also run by `make bench`).

For each number of draws (10^3, 10^4, the default and 10^5 unless --draws says), each in a fresh
process, on copies of the published warehouse:

- **dbt**: `dbt run` of the simulation's models (the runs, the sampled assumptions, the market, the
  figures view and the percentiles, int_figures__banded), ACM_SIMULATION_DRAWS=N, with the profile's
  DuckDB settings (2 threads, memory_limit 3.5GB, which DuckDB spills beyond rather than fail);
- **numpy**: the reference, kept here and never in the product: the same arithmetic on arrays (the same
  random numbers, stratified the same way, quantiles, renormalisation, interpolation, allocation, sums
  and percentiles), a year at a time like the dbt model.

It prints, per number of draws: seconds, microseconds per cell-draw (figures x draws), peak resident
memory, dbt's time over numpy's, the time for ten times the draws over the time before (linear: 10), and
the largest relative difference between the two's percentiles (the same draws, so ~1e-15); then the
largest relative difference of any report_tables p05 or p95 at the default draws against the largest
number of draws run. The machine's load is printed beside: other processes slow both alike.

`--cluster 100000 1000000` runs the same models on a Spark standalone cluster of this machine too (two
one-core workers, started and stopped here, through its Thrift server), and prints its times, cell-draws
per second per core beside DuckDB's, and its percentiles' largest difference from DuckDB's at the same
draws (`make bench-cluster`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np

from scripts import spark_cluster
from scripts.project import (
    PROJECT_DIR,
    default_simulation_draws,
    exit_on_terminate,
    project_vars,
    run_dbt,
    warehouse_path,
)

MODULUS = 2**31 - 1
ROUND_CONSTANTS = [889516851, 1572067138, 506952121, 1386740381, 679946559, 1300411462, 264367317, 770729612]
SIMULATION_MODELS = [
    "int_simulation_runs",
    "int_assumptions__sampled",
    "int_market_size__simulated",
    "int_figures__simulated",
    "int_figures__scenarios",
    "int_figures__banded",
]
# the cores each engine computes on: numpy one, DuckDB the profile's 2 threads, the cluster's workers'
CORES = {"numpy": 1, "dbt": 2, "spark": spark_cluster.WORKER_COUNT * spark_cluster.WORKER_CORES}
KEYS = ["figure_kind", "geography_id", "breakdown_id", "segment_id", "company_id", "year"]
BANDS = ["value_usd_p05", "value_usd_p50", "value_usd_p95", "share_pct_p05", "share_pct_p50", "share_pct_p95"]


def run_sql(draws: int, warehouse: Path, out: Path) -> dict:
    """The dbt run of the simulation's models on this copy of the warehouse; its bands saved to out."""
    os.environ["ACM_SIMULATION_DRAWS"] = str(draws)
    with tempfile.TemporaryDirectory() as target:
        # the models the simulation reads, brought up to the code first and untimed: a published warehouse
        # older than the code lacks what was added since
        upstream = run_dbt(
            ["run", "--select", f"+{SIMULATION_MODELS[-1]}", "--exclude", *SIMULATION_MODELS],
            warehouse=warehouse,
            target_dir=Path(target),
        )
        if not upstream.success:
            raise SystemExit(f"dbt failed on the models the simulation reads: {upstream.failures}")
        started = time.perf_counter()
        run = run_dbt(["run", "--select", *SIMULATION_MODELS], warehouse=warehouse, target_dir=Path(target))
        seconds = time.perf_counter() - started
    if not run.success:
        raise SystemExit(f"dbt failed: {run.failures}")
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        frame = connection.sql(f"select {', '.join(KEYS + BANDS)} from intermediate.int_figures__banded").df()
    frame.to_parquet(out)
    return {"seconds": seconds, "figures": len(frame)}


def stop_cluster_on_ctrl_c(cluster: spark_cluster.Cluster) -> list[bool]:
    """Ctrl-C (or SIGTERM) stops the cluster at once. dbt, told to stop, waits for the statements it runs to end (a year
    of percentiles at 10^6 draws takes some 18 minutes); with the cluster gone they fail at once. dbt
    reports the failure rather than the interrupt: the returned list says whether one came."""
    interrupted: list[bool] = []

    def stop(signum: int, frame: object) -> None:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        interrupted.append(True)
        print("Interrupted: stopping the Spark cluster.", file=sys.stderr, flush=True)
        spark_cluster.stop_cluster(cluster)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    return interrupted


def exit_if_interrupted(interrupted: list[bool]) -> None:
    if interrupted:
        print("The cluster benchmark was interrupted: nothing more was measured.", file=sys.stderr, flush=True)
        sys.exit(130)


def run_cluster(draws_list: list[int], workdir: Path) -> list[dict]:
    """The dbt run of the simulation's models on a Spark standalone cluster of this machine (two workers of
    one core each, scripts/spark_cluster.py sized SIMULATION), through its Thrift server, for each number
    of draws in turn: the seeds and the models before the simulation are built once first (one draw).
    Each run's seconds, its executors' peak JVM heap, and its bands read back over Thrift."""
    import pandas as pd
    from pyhive import hive

    target = workdir / "cluster-target"
    measured = []
    with spark_cluster.running_cluster(workdir / "spark-cluster", spark_cluster.SIMULATION) as cluster:
        interrupted = stop_cluster_on_ctrl_c(cluster)
        os.environ.update(cluster.env())
        os.environ["ACM_SIMULATION_DRAWS"] = "1"
        for step in (["seed"], ["run", "--select", f"+{SIMULATION_MODELS[-1]}"]):
            run = run_dbt(["--quiet", *step, "--target", "spark_cluster"], target_dir=target)
            exit_if_interrupted(interrupted)
            if not run.success:
                raise SystemExit(f"the cluster's {step[0]} failed: {run.failures}")
        for draws in draws_list:
            os.environ["ACM_SIMULATION_DRAWS"] = str(draws)
            started = time.perf_counter()
            run = run_dbt(
                ["--quiet", "run", "--target", "spark_cluster", "--select", *SIMULATION_MODELS], target_dir=target
            )
            seconds = time.perf_counter() - started
            exit_if_interrupted(interrupted)
            if not run.success:
                measured.append({"kind": "spark", "draws": draws, "error": f"after {seconds:.0f} s: {run.failures}"})
                continue
            connection = hive.connect(host=spark_cluster.LOOPBACK, port=cluster.thrift_port, username="bench")
            cursor = connection.cursor()
            cursor.execute(f"select {', '.join(KEYS + BANDS)} from intermediate.int_figures__banded")
            frame = pd.DataFrame.from_records(cursor.fetchall(), columns=KEYS + BANDS)
            connection.close()
            out = workdir / f"spark-{draws}.parquet"
            frame.astype({column: "float64" for column in BANDS}).to_parquet(out)
            heaps = [e.get("peakMemoryMetrics", {}).get("JVMHeapMemory", 0) for e in cluster.executors()]
            measured.append(
                {
                    "kind": "spark",
                    "draws": draws,
                    "seconds": seconds,
                    "figures": len(frame),
                    "peak_rss_mb": max(heaps, default=0) / 2**20,
                    "bands": out,
                }
            )
    signal.signal(signal.SIGINT, signal.default_int_handler)
    exit_on_terminate()
    return measured


def permute(state: np.ndarray, rounds: range, key: int) -> np.ndarray:
    """The rounds of macros/simulation.sql on int64 arrays (every product below 2^62)."""
    for number in rounds:
        y = (state + (key + ROUND_CONSTANTS[number]) % MODULUS) % MODULUS
        y2 = y * y % MODULUS
        state = (y2 * y2 % MODULUS) * y % MODULUS
    return state


def quantiles(u: np.ndarray, low, base, high, pert) -> np.ndarray:
    """Triangular (exact) or PERT (Abramowitz and Stegun 26.5.22 over 26.2.23) u-quantiles, as the macros."""
    width = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        triangular = np.where(
            u * width < base - low,
            low + np.sqrt(u * width * (base - low)),
            high - np.sqrt((1 - u) * width * (high - base)),
        )
        t = np.sqrt(-2 * np.log(np.minimum(u, 1 - u)))
        z = np.where(u < 0.5, -1.0, 1.0) * (
            t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t**3)
        )
        a = 1 + 4 * (base - low) / width
        b = 1 + 4 * (high - base) / width
        y = -z
        lam = (y * y - 3) / 6
        h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1))
        w = y * np.sqrt(h + lam) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (lam + 5.0 / 6 - 2 / (3 * h))
        beta = low + width * a / (a + b * np.exp(2 * w))
    value = np.where(pert, beta, triangular)
    return np.where(high <= low, low, value)


def run_numpy(draws: int, warehouse: Path, out: Path) -> dict:
    """The reference: every figure's percentiles over the draws, the same arithmetic as int_figures__simulated."""
    import pandas as pd

    settings = project_vars()
    seed, anchors = int(settings["simulation_seed"]), sorted(settings["anchor_years"])
    years = list(range(int(settings["first_year"]), int(settings["last_year"]) + 1))
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        a = connection.sql("select * from intermediate.int_assumptions__unioned order by assumption_id").df()
        reported = dict(
            connection.sql(
                "select year, value_usd from staging.stg_report__market_size where geography_id = 'global'"
            ).fetchall()
        )
    started = time.perf_counter()
    key = seed % MODULUS
    # the draws of every assumption: run 1 .. draws, as int_simulation_runs numbers them
    draw_ids = np.arange(1, draws + 1, dtype=np.int64)
    draw_state = permute(draw_ids % MODULUS, range(4), key)
    state = permute(
        (draw_state[:, None] + a["stream_id"].to_numpy(np.int64)[None, :] % MODULUS) % MODULUS, range(4, 8), key
    )
    # stratified: the k-th smallest of an assumption's numbers becomes (k - 1/2) / draws
    rank = np.empty_like(state)
    np.put_along_axis(rank, np.argsort(state, axis=0), np.arange(1, draws + 1, dtype=np.int64)[:, None], axis=0)
    u = (rank.astype(np.float64) - 0.5) / draws
    del rank
    low, base, high = (
        a[c].to_numpy(np.float64)[None, :] for c in ("low_value_pct", "base_value_pct", "high_value_pct")
    )
    raw = quantiles(u, low, base, high, (a["distribution"] == "pert").to_numpy()[None, :])
    del state, u
    # renormalised within each group of series, year by year
    value = raw.copy()
    shares = a["share_group_number"].notna().to_numpy()
    group = (
        a["share_group_number"].fillna(-1).astype(int).astype(str) + "|" + a["year"].fillna(-1).astype(int).astype(str)
    ).to_numpy()
    codes, group_index = np.unique(group[shares], return_inverse=True)
    totals = np.zeros((draws, len(codes)))
    np.add.at(totals.T, group_index, raw[:, shares].T)
    value[:, shares] = 100 * raw[:, shares] / totals[:, group_index]
    del raw, totals
    column = {row.assumption_id: i for i, row in enumerate(a.itertuples())}
    kind = a["assumption_kind"].to_numpy()
    growth = a[kind == "market_growth"].iloc[0]
    growth_values = value[:, column[growth.assumption_id]]
    r_first, r_last = min(reported), max(reported)

    def market(year: int) -> np.ndarray:
        if year in reported:
            return np.full(draws, reported[year])
        if year > r_first:
            position = (year - r_first) / (r_last - r_first)
            return np.full(draws, reported[r_first] * (reported[r_last] / reported[r_first]) ** position)
        return reported[r_first] / (1 + growth_values / 100) ** (r_first - year)

    def series_share(rows: pd.DataFrame, year: int) -> np.ndarray | None:
        """A series' share in a year: linear between the anchors around it (from its rows, one per anchor)."""
        before = [y for y in anchors if y <= year]
        after = [y for y in anchors if y >= year]
        if not before or not after:
            return None
        by_year = {int(r.year): value[:, column[r.assumption_id]] for r in rows.itertuples()}
        previous, following = by_year.get(before[-1]), by_year.get(after[0])
        if previous is None or following is None:
            return None
        if before[-1] == after[0]:
            return previous
        return previous + (following - previous) * ((year - before[-1]) / (after[0] - before[-1]))

    geo = a[kind == "geography_share"]
    seg = a[kind == "segment_share"]
    com = a[kind == "company_share"]
    parent_of = dict(zip(geo["geography_id"], geo["parent_geography_id"], strict=True))
    geo_series = dict(list(geo.groupby("geography_id")))
    seg_series = dict(list(seg.groupby(["geography_id", "breakdown_id", "segment_id"])))
    com_series = dict(list(com.groupby("company_id")))
    results = []
    # a year's figures, their values and shares over the draws: percentiles of all at once, per year
    figures: list[tuple] = []
    values: list[np.ndarray] = []
    shares: list[np.ndarray] = []

    def band(figure: tuple, value: np.ndarray, share: np.ndarray | None) -> None:
        figures.append(figure)
        values.append(value)
        shares.append(share if share is not None else np.full(draws, np.nan))

    def percentiles_of_the_year() -> None:
        value_bands = np.percentile(np.stack(values, axis=1), [5, 50, 95], axis=0).T
        with np.errstate(invalid="ignore"):
            share_bands = np.percentile(np.stack(shares, axis=1), [5, 50, 95], axis=0).T
        results.extend((*f, *v, *sh) for f, v, sh in zip(figures, value_bands, share_bands, strict=True))
        figures.clear()
        values.clear()
        shares.clear()

    for year in years:
        geography_values = {"global": market(year)}
        band(("market_size", "global", None, None, None, year), geography_values["global"], None)
        # regions before countries: a child after its parent
        for level in (lambda g: parent_of[g] == "global", lambda g: parent_of[g] != "global"):
            for geography, rows in geo_series.items():
                if not level(geography):
                    continue
                share = series_share(rows, year)
                geography_values[geography] = geography_values[parent_of[geography]] * share / 100
                band(("market_size", geography, None, None, None, year), geography_values[geography], share)
        sums: dict[tuple, np.ndarray] = {}
        for (geography, breakdown, segment), rows in seg_series.items():
            share = series_share(rows, year)
            leaf = geography_values[geography] * share / 100
            band(("segment_value", geography, breakdown, segment, None, year), leaf, share)
            for ancestor in (parent_of[geography], parent_of[parent_of[geography]]):
                sums[(ancestor, breakdown, segment)] = sums.get((ancestor, breakdown, segment), 0) + leaf
        for (geography, breakdown, segment), summed in sums.items():
            share = 100 * summed / geography_values[geography]
            band(("segment_value", geography, breakdown, segment, None, year), summed, share)
        for company, rows in com_series.items():
            share = series_share(rows, year)
            if share is not None:
                band(
                    ("company_value", None, None, None, company, year), geography_values["global"] * share / 100, share
                )
        percentiles_of_the_year()
    seconds = time.perf_counter() - started
    pd.DataFrame(results, columns=KEYS + BANDS).to_parquet(out)
    return {"seconds": seconds, "figures": len(results)}


def one(kind: str, draws: int, warehouse: Path, out: Path) -> None:
    measured = run_sql(draws, warehouse, out) if kind == "dbt" else run_numpy(draws, warehouse, out)
    measured["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(measured))


def measure(kind: str, draws: int, published: Path, workdir: Path) -> dict:
    """One measurement in a fresh process, on its own copy of the warehouse: time and peak memory."""
    warehouse = workdir / f"{kind}-{draws}.duckdb"
    shutil.copyfile(published, warehouse)
    out = workdir / f"{kind}-{draws}.parquet"
    command = [sys.executable, "-m", "scripts.bench_simulation", "--one", kind, str(draws), str(warehouse), str(out)]
    result = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
    warehouse.unlink(missing_ok=True)
    if result.returncode != 0:
        return {"kind": kind, "draws": draws, "error": (result.stderr.strip().splitlines() or ["?"])[-1]}
    return {"kind": kind, "draws": draws, **json.loads(result.stdout.strip().splitlines()[-1]), "bands": out}


def largest_difference(got: Path, expected: Path, columns: list[str]) -> float:
    import pandas as pd

    left, right = pd.read_parquet(got), pd.read_parquet(expected)
    joined = left.merge(right, on=KEYS, suffixes=("", "_reference"), how="outer", indicator=True)
    if (joined["_merge"] != "both").any():
        return float("inf")
    differences = [
        (abs(joined[c] - joined[f"{c}_reference"]) / abs(joined[f"{c}_reference"])).max(skipna=True) for c in columns
    ]
    return float(max(differences))


def band_differences(got: Path, expected: Path, columns: list[str]):
    """Each figure's largest relative difference in columns between two runs' bands, largest first."""
    import pandas as pd

    left, right = pd.read_parquet(got), pd.read_parquet(expected)
    joined = left.merge(right, on=KEYS, suffixes=("", "_reference"))
    relative = [(joined[c] - joined[f"{c}_reference"]).abs() / joined[f"{c}_reference"].abs() for c in columns]
    joined["difference"] = pd.concat(relative, axis=1).max(axis=1, skipna=True)
    return joined[[*KEYS, "difference"]].sort_values("difference", ascending=False, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=warehouse_path(), help="a published warehouse to copy")
    parser.add_argument("--draws", type=int, nargs="*", help="numbers of draws (10^3, 10^4, the default, 10^5)")
    parser.add_argument(
        "--cluster",
        type=int,
        nargs="*",
        default=[],
        help="numbers of draws to run on a Spark cluster of this machine too (e.g. 100000 1000000)",
    )
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    exit_on_terminate()
    if args.one:
        kind, draws, warehouse, out = args.one
        one(kind, int(draws), Path(warehouse), Path(out))
        return
    default_draws = default_simulation_draws()
    draws_list = args.draws if args.draws is not None else sorted({1000, 10_000, default_draws, 100_000})
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        results = []
        for draws in draws_list:
            for kind in ("numpy", "dbt"):
                load = os.getloadavg()[0]
                results.append({**measure(kind, draws, args.warehouse, workdir), "load": load})
        if args.cluster:
            load = os.getloadavg()[0]
            results.extend({**r, "load": load} for r in run_cluster(args.cluster, workdir))
        reference = {r["draws"]: r for r in results if r["kind"] == "numpy" and "error" not in r}
        print(
            f"{'':<6}{'draws':>8}{'seconds':>9}{'us/cell-draw':>14}{'cell-draws/s/core':>19}{'peak MB':>9}"
            f"{'x numpy':>9}{'x time for 10x draws':>22}{'max rel diff vs numpy':>23}{'load':>6}"
        )
        done: dict[tuple[str, int], dict] = {}
        for r in results:
            if "error" in r:
                print(f"{r['kind']:<6}{r['draws']:>8}  failed: {r['error']}")
                continue
            per_cell = 1e6 * r["seconds"] / (r["figures"] * r["draws"])
            base = reference.get(r["draws"])
            ratio = r["seconds"] / base["seconds"] if base else float("nan")
            before = done.get((r["kind"], r["draws"] // 10)) if r["draws"] % 10 == 0 else None
            growth = r["seconds"] / before["seconds"] if before else float("nan")
            difference = largest_difference(r["bands"], base["bands"], BANDS) if base else float("nan")
            per_core = 1e6 / per_cell / CORES[r["kind"]]
            print(
                f"{r['kind']:<6}{r['draws']:>8}{r['seconds']:>9.1f}{per_cell:>14.3f}{per_core:>19,.0f}"
                f"{r['peak_rss_mb']:>9.0f}{ratio:>9.2f}{growth:>22.1f}{difference:>23.1e}{r['load']:>6.1f}"
            )
            done[(r["kind"], r["draws"])] = r
        print("(spark: peak MB is the largest executor's peak JVM heap; the others' peak resident memory)")
        runs = {r["draws"]: r for r in results if r["kind"] == "dbt" and "error" not in r}
        for r in results:
            if r["kind"] == "spark" and "error" not in r and r["draws"] in runs:
                difference = largest_difference(r["bands"], runs[r["draws"]]["bands"], BANDS)
                print(
                    f"Spark cluster against DuckDB at {r['draws']:,} draws: {r['seconds']:.1f} s against "
                    f"{runs[r['draws']]['seconds']:.1f} s, percentiles within {difference:.1e} (relative)."
                )
        if default_draws in runs and max(runs) > default_draws:
            most = max(runs)
            differences = band_differences(
                runs[default_draws]["bands"],
                runs[most]["bands"],
                ["value_usd_p05", "value_usd_p95", "share_pct_p05", "share_pct_p95"],
            )
            worst = differences.iloc[0]
            named = ", ".join(f"{key} {worst[key]}" for key in KEYS if isinstance(worst[key], str) or key == "year")
            print(
                f"At the default {default_draws:,} draws, the largest relative difference of any p05 or p95 (value "
                f"or share) from the {most:,}-draw run: {100 * worst['difference']:.2f}% (target: within 2%), "
                f"at {named}; "
                f"{int((differences['difference'] > 0.02).sum()):,} of {len(differences):,} figures differ by more "
                f"than 2%, {int((differences['difference'] > 0.01).sum()):,} by more than 1%."
            )


if __name__ == "__main__":
    main()
