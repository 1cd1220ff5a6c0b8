"""The simulation in the warehouse: a band on every assumed figure, none on a reported one, the same bands
from the same seed, the same arithmetic as an independent numpy implementation, every rule of the
warehouse in every draw and every named scenario, and a scenario added as seed rows.

The suite builds with few draws (ACM_SIMULATION_DRAWS, conftest.py): what is tested here does not depend
on their number; the benchmark (scripts/bench_simulation.py) measures the default and larger ones.
"""

from __future__ import annotations

import os
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import BuiltWarehouse, read_seed
from pandas.testing import assert_frame_equal
from test_evidence import append_rows

from scripts.bench_simulation import BANDS, KEYS, SIMULATION_MODELS, quantiles, run_numpy
from scripts.project import copy_project, project_vars, run_dbt

BANDED = f"select {', '.join(KEYS + BANDS)} from intermediate.int_figures__banded order by {', '.join(KEYS)}"


def test_every_segment_of_a_country_table_has_a_band_and_the_reported_market_none(warehouse_connection):
    segments = {
        row["segment_id"] for row in read_seed("reference/segments.csv") if row["breakdown_id"] == "application"
    }
    rows = warehouse_connection.execute(
        "select member_id, basis, value_usd, value_usd_p05, value_usd_p50, value_usd_p95 from marts.report_tables "
        "where section = '8.3.1.2.3' and year = 2031"
    ).fetchall()
    assert {row[0] for row in rows} == segments
    for member, basis, value, p05, p50, p95 in rows:
        assert basis == "assumption", member
        assert 0 < p05 < p50 < p95, member
        assert p05 < value * 1.5 and p95 > value / 1.5, member
    reported = warehouse_connection.execute(
        "select year, basis, value_usd, value_usd_p05, value_usd_p50, value_usd_p95 from marts.report_tables "
        "where section = '5.1.1' and year in (2025, 2031) order by year"
    ).fetchall()
    assert [row[:2] for row in reported] == [(2025, "reported"), (2031, "reported")]
    for _, _, value, p05, p50, p95 in reported:
        assert p05 == p50 == p95 == value


@pytest.mark.parametrize("mart", ["fct_market_size", "fct_segment_forecast", "fct_company_share", "report_tables"])
def test_a_figure_has_a_band_exactly_when_it_rests_on_an_assumption(warehouse_connection, mart):
    rows = warehouse_connection.execute(
        f"select basis, value_usd_p05, value_usd_p95 from marts.{mart} where value_usd > 0"
    ).fetchall()
    assert rows
    for basis, p05, p95 in rows:
        assert (p95 > p05) == (basis == "assumption"), (basis, p05, p95)


@pytest.fixture(scope="module")
def simulation_rerun(built_warehouse, tmp_path_factory, with_parse):
    """The simulation's models run again on a copy of the session's build: with the same seed, and another."""

    def rerun(name: str, extra: list[str]) -> duckdb.DuckDBPyConnection:
        workdir = tmp_path_factory.mktemp(name)
        warehouse = workdir / "warehouse.duckdb"
        shutil.copyfile(built_warehouse.path, warehouse)
        target = with_parse(workdir / "t", warehouse)
        run = run_dbt(["run", "--select", *SIMULATION_MODELS, *extra], warehouse=warehouse, target_dir=target)
        assert run.success, run.failures
        return duckdb.connect(str(warehouse), read_only=True)

    return rerun


def test_the_same_seed_gives_identical_percentiles_and_another_seed_others(built_warehouse, simulation_rerun):
    with built_warehouse.connect() as connection:
        first = connection.sql(BANDED).df()
    with simulation_rerun("same-seed", []) as connection:
        again = connection.sql(BANDED).df()
    assert_frame_equal(first, again, check_exact=True)
    seed = int(project_vars()["simulation_seed"]) + 1
    with simulation_rerun("other-seed", ["--vars", f"{{simulation_seed: {seed}}}"]) as connection:
        other = connection.sql(BANDED).df()
    moved = (other["value_usd_p05"] != first["value_usd_p05"]).to_numpy()
    with built_warehouse.connect() as connection:
        widths = (
            connection.sql(
                f"select value_usd_p95 > value_usd_p05 as has_width from intermediate.int_figures__banded "
                f"order by {', '.join(KEYS)}"
            )
            .df()["has_width"]
            .to_numpy()
        )
    # A figure without a band (the report's) does not move with the seed; a figure resting on several
    # drawn assumptions does. One resting on a single assumption keeps its percentiles: stratified, an
    # assumption's draws take the same values under every seed, only paired with other assumptions'
    # draws differently (the global market before 2025 rests on its growth rate alone).
    assert not (moved & ~widths).any()
    single = (first["figure_kind"] == "market_size") & (first["geography_id"] == "global") & widths
    assert single.any() and not moved[single.to_numpy()].any()
    several = widths & ~single.to_numpy()
    print(f"{moved[several].mean():.1%} of the {several.sum()} other banded figures moved")
    assert moved[several].mean() > 0.95


def test_an_assumptions_draws_take_one_value_in_each_of_as_many_equal_slices_of_its_distribution(
    warehouse_connection,
):
    """Stratified draws: the k-th smallest of n draws of the growth rate (drawn, never renormalised) is its
    quantile at (k - 1/2) / n, in the middle of the k-th of n equally likely slices of its range."""
    [(low, base, high, distribution)] = warehouse_connection.execute(
        "select low_value_pct, base_value_pct, high_value_pct, distribution from intermediate.int_assumptions__unioned "
        "where assumption_kind = 'market_growth'"
    ).fetchall()
    drawn = np.sort(
        np.array(
            warehouse_connection.execute(
                "select sampled.value_pct from intermediate.int_assumptions__sampled as sampled "
                "inner join intermediate.int_simulation_runs as runs on sampled.run_id = runs.run_id "
                "where runs.run_kind = 'draw' and sampled.value_pct is not null"
            ).fetchall()
        )[:, 0]
    )
    n = len(drawn)
    assert n == int(os.environ["ACM_SIMULATION_DRAWS"]) and low < base < high
    middles = (np.arange(1, n + 1) - 0.5) / n
    expected = quantiles(middles, low, base, high, distribution == "pert")
    np.testing.assert_allclose(drawn, expected, rtol=1e-12)


def test_the_percentiles_equal_an_independent_numpy_implementation(built_warehouse, tmp_path):
    with built_warehouse.connect() as connection:
        draws = connection.execute(
            "select count(*) from intermediate.int_simulation_runs where run_kind = 'draw'"
        ).fetchall()[0][0]
        warehouse = connection.sql(BANDED).df()
    run_numpy(draws, built_warehouse.path, tmp_path / "numpy.parquet")
    reference = pd.read_parquet(tmp_path / "numpy.parquet")
    joined = warehouse.merge(reference, on=KEYS, how="outer", suffixes=("", "_numpy"), indicator=True)
    assert (joined["_merge"] == "both").all(), joined[joined["_merge"] != "both"][KEYS]
    for column in BANDS:
        got, expected = joined[column].to_numpy(), joined[f"{column}_numpy"].to_numpy()
        both = ~pd.isna(expected)
        assert (pd.isna(got) == ~both).all(), column
        assert abs(got[both] - expected[both]).max() <= 1e-9 * abs(expected[both]).max(), column


def test_every_rule_holds_in_the_base_case_every_scenario_and_every_draw(warehouse_connection):
    settings = project_vars()
    runs = warehouse_connection.execute("select count(*) from intermediate.int_simulation_runs").fetchall()[0][0]
    scenarios = len(read_seed("assumptions/scenarios.csv"))
    rows = warehouse_connection.execute(
        "select rule_id, deviation_unit, run_count, max_deviation from marts.fct_simulation_checks"
    ).fetchall()
    assert len({row[0] for row in rows}) == 7
    for rule, unit, run_count, deviation in rows:
        # company shares exist for their own years only; every other rule is checked in every run
        assert run_count == runs, rule
        assert runs > scenarios
        tolerance = (
            settings["share_sum_tolerance_pct"]
            if unit == "percentage_points"
            else settings["additivity_relative_tolerance"]
        )
        assert 0 <= deviation <= tolerance, (rule, deviation)


def test_scenarios_move_what_their_rows_say_and_never_a_reported_figure(warehouse_connection):
    change = dict(
        warehouse_connection.execute(
            "select scenario_id || ':' || coalesce(segment_id, geography_id), change_from_base_pct "
            "from marts.fct_scenario_forecast where year = 2031 and geography_id = 'global' "
            "and (segment_id in ('asic', 'gpu') or figure_kind = 'market_size')"
        ).fetchall()
    )
    assert change["custom_silicon:asic"] > 5
    assert change["custom_silicon:gpu"] < -5
    assert change["base:asic"] == change["base:gpu"] == 0
    reported = warehouse_connection.execute(
        "select count(*), count(distinct scenario_id), max(abs(change_from_base_pct)) from marts.fct_scenario_forecast "
        "where basis = 'reported'"
    ).fetchall()[0]
    assert reported[1] == len(read_seed("assumptions/scenarios.csv"))
    assert reported[2] == 0


@pytest.fixture(scope="module")
def warehouse_with_a_new_scenario(tmp_path_factory, with_parse) -> BuiltWarehouse:
    """The project with one more scenario, added as seed rows only, built once."""
    root = tmp_path_factory.mktemp("new_scenario")
    project = copy_project(root / "project")
    seeds = project / "seeds" / "assumptions"
    append_rows(
        seeds / "scenarios.csv",
        [
            {
                "scenario_id": "fpga_revival",
                "sort_order": "9",
                "label_en": "FPGA revival",
                "label_zh_hant": "FPGA復興",
                "description_en": "FPGA shares at the high end of their ranges.",
                "description_zh_hant": "FPGA占比取其區間上限。",
            }
        ],
    )
    append_rows(
        seeds / "scenario_moves.csv",
        [
            {
                "scenario_id": "fpga_revival",
                "assumption_kind": "segment_share",
                "breakdown_id": "processor_type",
                "segment_id": "fpga",
                "range_end": "high",
                "rationale": "Reconfigurable cards win inference at the edge.",
            }
        ],
    )
    warehouse = root / "warehouse.duckdb"
    # the seeds and models behind the scenarios (their tests ran in the session's full build)
    selection = ["--select", "+fct_scenario_forecast", "+dim_scenario", "+fct_simulation_checks"]
    run = run_dbt(
        ["build", *selection, "--resource-type", "seed", "--resource-type", "model"],
        project,
        warehouse=warehouse,
        target_dir=with_parse(root / "target", warehouse),
    )
    assert run.success, run.failures
    return BuiltWarehouse(path=warehouse, run=run)


def test_a_scenario_added_as_seed_rows_is_a_complete_run_with_no_sql_change(warehouse_with_a_new_scenario):
    with warehouse_with_a_new_scenario.connect() as connection:
        moved = connection.execute(
            "select moved_assumption_count from marts.dim_scenario where scenario_id = 'fpga_revival'"
        ).fetchall()[0]
        figures = connection.execute(
            "select count(*) from marts.fct_scenario_forecast where scenario_id = 'fpga_revival'"
        ).fetchall()[0][0]
        base = connection.execute(
            "select count(*) from marts.fct_scenario_forecast where scenario_id = 'base'"
        ).fetchall()[0][0]
        fpga = connection.execute(
            "select change_from_base_pct from marts.fct_scenario_forecast where scenario_id = 'fpga_revival' "
            "and geography_id = 'global' and segment_id = 'fpga' and year = 2031"
        ).fetchall()[0][0]
        runs = connection.execute("select distinct run_count from marts.fct_simulation_checks").fetchall()
        total = connection.execute("select count(*) from intermediate.int_simulation_runs").fetchall()[0][0]
    fpga_assumptions = [
        row for row in read_seed("assumptions/assumed_segment_shares.csv") if row["segment_id"] == "fpga"
    ]
    assert moved == (len(fpga_assumptions),)
    assert figures == base
    assert fpga > 0
    # its run is checked against every rule like every other
    assert runs == [(total,)]
