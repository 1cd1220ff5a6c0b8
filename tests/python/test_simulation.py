"""The simulation's portable random numbers (macros/simulation.sql): the SQL the macros compile to gives
the numbers an independent Python implementation of the same permutation gives, on DuckDB (here), and on
PostgreSQL and the Spark cluster (test_postgres.py and test_spark.py, beside those engines' builds, with
the helpers below); the numbers are uniform and independent enough for a Monte Carlo; and the triangular
and PERT quantiles are what their distributions say.

The reference below is written from the design (docs/simulation.md) in Python's exact integers, not
from the SQL's output.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pytest
from scipy import stats

from scripts.project import PROJECT_DIR, run_dbt

MODULUS = 2**31 - 1
# first 31 bits of the fractional parts of the square roots of the first eight primes
ROUND_CONSTANTS = [int((p**0.5 % 1) * 2**31) for p in (2, 3, 5, 7, 11, 13, 17, 19)]
SEED = 20251125

# (draw, stream) pairs: small, consecutive, and large enough to wrap modulo p
PAIRS = [(d, s) for d in (0, 1, 2, 3, 999, 100_000) for s in (0, 1, 2, 855)] + [
    (2**31 - 2, 3),
    (2**31 - 1, 3),
    (2**40 + 7, 2**33),
]


def reference_uniform(seed: int, draw: int, stream: int) -> float:
    key = seed % MODULUS
    state = draw % MODULUS
    for round_number in range(8):
        if round_number == 4:
            state = (state + stream % MODULUS) % MODULUS
        y = (state + key + ROUND_CONSTANTS[round_number]) % MODULUS
        state = pow(y, 5, MODULUS)
    return (state + 0.5) / MODULUS


def test_reference_round_constants_are_the_square_roots_of_the_first_primes():
    # computed in floats above; the exact digits agree (the macro holds the same list)
    from decimal import Decimal, getcontext

    getcontext().prec = 40
    exact = [int((Decimal(p).sqrt() % 1) * 2**31) for p in (2, 3, 5, 7, 11, 13, 17, 19)]
    assert exact == ROUND_CONSTANTS


def values_relation() -> str:
    rows = ", ".join(f"(cast({d} as bigint), cast({s} as bigint))" for d, s in PAIRS)
    return f"(select * from (values {rows}) as pairs (draw_id, stream_id)) as cells"


UNIFORMS_SQL = (
    "{{ simulation_uniform_draws('"
    + values_relation()
    + "', 'draw_id', 'stream_id', ['draw_id', 'stream_id'], "
    + str(SEED)
    + ") }}"
)


def compile_inline(
    sql: str, target: str, workdir: Path, project_dir: Path = PROJECT_DIR, target_dir: Path | None = None
) -> str:
    """The SQL dbt compiles `sql` to for `target` (its dispatched macros included); target_dir may hold a
    parse of the project for that target (a build's), which dbt then reuses."""
    run = run_dbt(
        ["compile", "--quiet", "--target", target, "--inline", sql],
        project_dir,
        warehouse=workdir / "unused.duckdb",
        target_dir=target_dir or workdir / f"target-{target}",
    )
    assert run.success, run.exception
    return run.result.results[0].node.compiled_code


def assert_matches_reference(rows: list[tuple]) -> None:
    got = {(int(d), int(s)): float(u) for d, s, u in rows}
    assert set(got) == set(PAIRS)
    for (draw, stream), u in got.items():
        assert 0 < u < 1
        assert u == pytest.approx(reference_uniform(SEED, draw, stream), rel=0, abs=1e-12), (draw, stream)


@pytest.fixture(scope="module")
def duckdb_sql(tmp_path_factory) -> Iterator[tuple[Path, duckdb.DuckDBPyConnection]]:
    workdir = tmp_path_factory.mktemp("simulation-duckdb")
    with duckdb.connect() as connection:
        yield workdir, connection


def test_uniform_draws_on_duckdb_equal_the_reference_bit_for_bit(duckdb_sql):
    workdir, connection = duckdb_sql
    rows = connection.sql(compile_inline(UNIFORMS_SQL, "duckdb", workdir)).fetchall()
    assert_matches_reference(rows)
    # bit for bit, not merely within a tolerance: only integers and one correctly rounded division
    assert all(float(u) == reference_uniform(SEED, int(d), int(s)) for d, s, u in rows)


def test_another_seed_gives_other_numbers(duckdb_sql):
    workdir, connection = duckdb_sql
    sql = UNIFORMS_SQL.replace(str(SEED), str(SEED + 1))
    rows = connection.sql(compile_inline(sql, "duckdb", workdir)).fetchall()
    assert all(float(u) == reference_uniform(SEED + 1, int(d), int(s)) for d, s, u in rows)
    assert sum(float(u) == reference_uniform(SEED, int(d), int(s)) for d, s, u in rows) == 0


DRAWS = 100_000


@pytest.fixture(scope="module")
def many_draws(duckdb_sql) -> dict[str, np.ndarray]:
    """10^5 draws of one stream, of the next stream, and 10^5 streams of one draw, with the quantiles."""
    workdir, connection = duckdb_sql
    sql = """
        with along_draws as (
            {{ simulation_uniform_draws('(select range as draw_id, 7 as stream_id from range(100000)) as d',
                'draw_id', 'stream_id', ['draw_id'], 20251125) }}
        ),
        next_stream as (
            {{ simulation_uniform_draws('(select range as draw_id, 8 as stream_id from range(100000)) as d',
                'draw_id', 'stream_id', ['draw_id'], 20251125) }}
        ),
        along_streams as (
            {{ simulation_uniform_draws('(select 5 as draw_id, range as stream_id from range(100000)) as d',
                'draw_id', 'stream_id', ['stream_id'], 20251125) }}
        )
        select
            along_draws.draw_id,
            along_draws.u,
            next_stream.u as u_next_stream,
            along_streams.u as u_along_streams,
            {{ triangular_quantile('along_draws.u', '2.0', '3.0', '7.0') }} as triangular,
            {{ pert_quantile('along_draws.u', '2.0', '4.5', '7.0') }} as pert
        from along_draws
        inner join next_stream on along_draws.draw_id = next_stream.draw_id
        inner join along_streams on along_draws.draw_id = along_streams.stream_id
        order by along_draws.draw_id
    """
    frame = connection.sql(compile_inline(sql, "duckdb", workdir)).fetchnumpy()
    assert len(frame["u"]) == DRAWS
    return frame


@pytest.mark.parametrize("column", ["u", "u_next_stream", "u_along_streams"])
def test_uniform_draws_are_uniform(many_draws, column):
    u = many_draws[column]
    assert ((u > 0) & (u < 1)).all()
    standard_error = (1 / 12 / DRAWS) ** 0.5
    assert abs(u.mean() - 0.5) < 4 * standard_error
    # variance of a uniform is 1/12; its standard error over n draws is about sqrt(1/180/n)
    assert abs(u.var() - 1 / 12) < 4 * (1 / 180 / DRAWS) ** 0.5
    assert stats.kstest(u, "uniform").pvalue > 0.001
    # ten equal bins, chi-square
    counts = np.histogram(u, bins=10, range=(0, 1))[0]
    assert stats.chisquare(counts).pvalue > 0.001


def test_uniform_draws_are_uncorrelated_along_draws_and_across_streams(many_draws):
    u = many_draws["u"]
    bound = 4 / DRAWS**0.5
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < bound
    assert abs(np.corrcoef(u, many_draws["u_next_stream"])[0, 1]) < bound
    along_streams = many_draws["u_along_streams"]
    assert abs(np.corrcoef(along_streams[:-1], along_streams[1:])[0, 1]) < bound


def test_triangular_quantile_draws_follow_the_triangular_distribution(many_draws):
    # scipy's triangular: c is the mode's position in the range, loc the low end, scale the width
    distribution = stats.triang(c=(3.0 - 2.0) / (7.0 - 2.0), loc=2.0, scale=5.0)
    assert stats.kstest(many_draws["triangular"], distribution.cdf).pvalue > 0.001
    # the exact inverse CDF: each draw is the quantile of its own u
    assert np.allclose(many_draws["triangular"], distribution.ppf(many_draws["u"]), rtol=0, atol=1e-12)


def test_pert_quantile_is_within_its_documented_error_of_the_exact_beta_quantile(many_draws):
    # mode 4.5 in 2..7: Beta(3, 3), a mode in the middle third of the range: error at most 0.3% of it
    exact = 2.0 + 5.0 * stats.beta(3.0, 3.0).ppf(many_draws["u"])
    assert np.abs(many_draws["pert"] - exact).max() <= 0.003 * 5.0
    assert np.all(np.diff(many_draws["pert"][np.argsort(many_draws["u"])]) >= 0)


@pytest.mark.parametrize(
    ("low", "mode", "high", "bound"),
    [(0.0, 0.5, 1.0, 0.003), (0.0, 0.35, 1.0, 0.004), (10.0, 10.0, 20.0, 0.075), (10.0, 19.0, 20.0, 0.06)],
)
def test_pert_quantile_error_over_the_whole_unit_interval(duckdb_sql, low, mode, high, bound):
    workdir, connection = duckdb_sql
    sql = (
        "select u, {{ pert_quantile('u', '" + repr(low) + "', '" + repr(mode) + "', '" + repr(high) + "') }} as x "
        "from (select (range + 0.5) / 2000 as u from range(2000)) as grid"
    )
    grid = connection.sql(compile_inline(sql, "duckdb", workdir)).fetchnumpy()
    alpha = 1 + 4 * (mode - low) / (high - low)
    exact = low + (high - low) * stats.beta(alpha, 6 - alpha).ppf(grid["u"])
    assert np.abs(grid["x"] - exact).max() <= bound * (high - low)


def test_quantiles_hit_the_range_ends_and_the_mode_and_a_zero_width_range_gives_its_value(duckdb_sql):
    workdir, connection = duckdb_sql
    sql = """
        select
            {{ triangular_quantile('0.0', '2.0', '3.0', '7.0') }},
            {{ triangular_quantile('1.0', '2.0', '3.0', '7.0') }},
            {{ triangular_quantile('0.2', '2.0', '3.0', '7.0') }},
            {{ triangular_quantile('0.7', '5.0', '5.0', '5.0') }},
            {{ pert_quantile('0.7', '5.0', '5.0', '5.0') }},
            {{ pert_quantile('0.5', '2.0', '4.5', '7.0') }}
    """
    low, high, at_mode, flat_triangular, flat_pert, pert_median = connection.execute(
        compile_inline(sql, "duckdb", workdir)
    ).fetchall()[0]
    assert (low, high, flat_triangular, flat_pert) == (2.0, 7.0, 5.0, 5.0)
    # the mode's own probability, (3 - 2) / (7 - 2) = 0.2, maps back to the mode
    assert at_mode == pytest.approx(3.0, abs=1e-12)
    # a symmetric PERT's median is its mode (to the normal approximation's 4.5e-4)
    assert pert_median == pytest.approx(4.5, abs=5 * 4.5e-4)


# Percentiles over draws: DuckDB's quantile_cont, PostgreSQL's percentile_cont and Spark's exact percentile
# share one definition, linear interpolation between order statistics at 1 + (n - 1) p (numpy's "linear").
PERCENTILES = (0.05, 0.5, 0.95)
# 1,000 values: the positions 1 + 999 p of p05, p50 and p95 fall between order statistics
PERCENTILE_VALUES = [reference_uniform(SEED, draw, 3) * 1e9 for draw in range(1000)]


def values_list() -> str:
    # literals with a decimal point are decimals on every engine: cast, as the simulation's values are doubles
    return ", ".join(f"(cast({value!r} as {{double}}))" for value in PERCENTILE_VALUES)


def expected_percentiles() -> list[float]:
    return list(np.percentile(PERCENTILE_VALUES, [100 * p for p in PERCENTILES], method="linear"))


def test_duckdb_quantile_cont_is_linear_interpolation(duckdb_sql):
    _, connection = duckdb_sql
    sql = f"select quantile_cont(v, {list(PERCENTILES)}) from (values {values_list().format(double='double')}) as t (v)"
    got = connection.execute(sql).fetchall()[0][0]
    assert got == pytest.approx(expected_percentiles(), rel=1e-15)
