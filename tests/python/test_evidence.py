"""The evidence marts: every publisher's path beside the report's, and the report checked against the evidence."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from conftest import published_copy, read_seed

from scripts import build as pipeline
from scripts.project import project_vars

VERDICTS = {"consistent", "inconsistent", "scope_mismatch"}


def number(text: str) -> float | None:
    return float(text) if text != "" else None


def expected_verdict(ratio: float, kind: dict[str, str], left_scope: str, right_scope: str) -> str:
    """The verdict the kind's declared thresholds give, recomputed here from the seed."""
    low, high = number(kind["consistent_ratio_min"]), number(kind["consistent_ratio_max"])
    below, above = number(kind["scope_mismatch_ratio_below"]), number(kind["scope_mismatch_ratio_above"])
    if kind["is_scope_mismatch_when_scopes_differ"] == "true" and left_scope != right_scope:
        return "scope_mismatch"
    if ratio >= low and (high is None or ratio <= high):
        return "consistent"
    if (below is not None and ratio < below) or (above is not None and ratio > above):
        return "scope_mismatch"
    return "inconsistent"


def test_cross_checks_cover_every_kind_and_each_verdict_follows_its_declared_thresholds(warehouse_connection):
    kinds = {row["check_kind"]: row for row in read_seed("reference/cross_check_kinds.csv")}
    by_verdict = warehouse_connection.sql(
        "select verdict, check_kind, count(*) from marts.fct_cross_checks group by 1, 2"
    ).fetchall()
    assert {verdict for verdict, _, _ in by_verdict} <= VERDICTS
    assert {kind for _, kind, _ in by_verdict} == set(kinds)

    rows = warehouse_connection.sql(
        "select check_id, check_kind, left_figure, right_figure, ratio, verdict, left_scope_class, right_scope_class, "
        "explanation from marts.fct_cross_checks"
    ).fetchall()
    for check_id, kind, left, right, ratio, verdict, left_scope, right_scope, explanation in rows:
        if kind == "market_growth_vs_company_growth":
            assert ratio == pytest.approx((1 + left / 100) / (1 + right / 100)), check_id
        else:
            assert ratio == pytest.approx(left / right), check_id
        assert verdict == expected_verdict(ratio, kinds[kind], left_scope, right_scope), check_id
        assert explanation == kinds[kind][f"explanation_{verdict}"], check_id


def test_nvidia_quarter_the_report_cites_is_a_scope_mismatch_with_the_reports_market(warehouse_connection):
    cited = next(row for row in read_seed("report/report_cited_financials.csv") if row["organisation"] == "NVIDIA")
    figure = next(
        row
        for row in read_seed("evidence/company_financials.csv")
        if row["source_id"] == cited["source_id"] and row["metric"] == cited["metric"]
    )
    left, right, verdict = warehouse_connection.execute(
        "select left_figure, right_figure, verdict from marts.fct_cross_checks where check_id = ?",
        [f"company_revenue_vs_market__{figure['financial_id']}"],
    ).fetchall()[0]
    assert left == pytest.approx(float(cited["value"]) * 1e9)
    market = warehouse_connection.execute(
        "select value_usd from marts.fct_market_size where geography_id = 'global' and year = ?",
        [int(figure["period_end_date"][:4])],
    ).fetchall()[0][0]
    assert right == pytest.approx(market)
    assert left > right and verdict == "scope_mismatch"


def test_every_cited_figure_with_a_reading_of_its_document_is_checked(warehouse_connection):
    readings = read_seed("evidence/cited_document_readings.csv")
    cited = {row["figure_id"]: row for row in read_seed("report/report_cited_financials.csv")}
    checks = dict(
        warehouse_connection.sql(
            "select check_id, left_figure / right_figure from marts.fct_cross_checks "
            "where check_kind = 'cited_figure_vs_document'"
        ).fetchall()
    )
    assert set(checks) == {f"cited_figure_vs_document__{row['reading_id']}" for row in readings}
    for row in readings:
        figure = cited[row["figure_id"]]
        stated = figure["value"] if row["measure"] == "value" else figure["growth_pct"]
        assert checks[f"cited_figure_vs_document__{row['reading_id']}"] == pytest.approx(
            float(stated) / float(row["value_central"])
        )


def test_external_estimates_hold_every_publishers_path_with_the_report_beside_them(warehouse_connection):
    settings = project_vars()
    sources = {row["source_id"]: row for row in read_seed("reference/sources.csv")}
    estimates = read_seed("evidence/external_market_estimates.csv")
    publishers = warehouse_connection.sql(
        "select source_id, count(*) from marts.fct_external_estimates where not is_report and url is not null "
        "group by 1"
    ).fetchall()
    assert len(publishers) >= 12
    assert {source for source, _ in publishers} == {
        row["source_id"] for row in estimates if sources[row["source_id"]]["url"]
    }

    report = warehouse_connection.sql(
        "select year, value_usd, basis, method from marts.fct_external_estimates where is_report order by year"
    ).fetchall()
    reported = read_seed("report/report_market_size.csv")
    assert report == [(int(r["year"]), pytest.approx(float(r["value"]) * 1e9), "reported", "stated") for r in reported]

    years = warehouse_connection.sql("select distinct year from marts.fct_external_estimates").fetchall()
    assert {year for (year,) in years} <= set(range(settings["first_year"], settings["last_year"] + 1))


def test_derived_years_compound_the_publishers_last_stated_point_at_its_own_cagr(warehouse_connection):
    points = {
        (row["source_id"], int(row["year"])): float(row["value_usd_bn"]) * 1e9
        for row in read_seed("evidence/external_market_estimates.csv")
        if row["geography"] == "global" and row["breakdown"] == "total" and not row["period_label"]
    }
    rates = {
        row["source_id"]: float(row["growth_pct"])
        for row in read_seed("evidence/external_market_growth.csv")
        if row["geography"] == "global" and row["growth_kind"] == "cagr"
    }
    derived = warehouse_connection.sql(
        "select source_id, year, value_usd, method from marts.fct_external_estimates "
        "where basis = 'derived' and geography = 'global' and breakdown = 'total'"
    ).fetchall()
    assert derived
    for source, year, value, method in derived:
        stated_years = sorted(y for (s, y) in points if s == source)
        anchor = max(y for y in stated_years if y < year)
        assert value == pytest.approx(points[(source, anchor)] * (1 + rates[source] / 100) ** (year - anchor))
        is_between = any(y > year for y in stated_years)
        assert method == ("interpolated_at_publisher_cagr" if is_between else "extrapolated_at_publisher_cagr")


def append_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with open(path, "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writerows([{column: row.get(column, "") for column in header} for row in rows])


NEW_SOURCE = "example_accelerator_card_2030"


@pytest.fixture(scope="module")
def warehouse_with_a_new_publisher(golden, tmp_path_factory) -> Path:
    """The project with one more publisher (a source, two sizes, a CAGR and a regional share), built once
    over the run's published build as a user would: `make build` rebuilds what the new rows change."""
    project, warehouse = published_copy(golden, tmp_path_factory.mktemp("new_publisher"))
    seeds = project / "seeds"
    append_rows(
        seeds / "reference" / "sources.csv",
        [
            {
                "source_id": NEW_SOURCE,
                "publisher": "Example Research",
                "title": "Accelerator Card Market to 2030",
                "document_type": "market_report",
                "language_code": "en",
                "url": "https://example.com/accelerator-card-market",
                "is_primary": "true",
            }
        ],
    )
    common = {"source_id": NEW_SOURCE, "market_name": "Accelerator Cards", "scope_class": "accelerator_cards"}
    point = {**common, "geography": "global", "breakdown": "total", "value_qualifier": "exact", "is_verified": "false"}
    append_rows(
        seeds / "evidence" / "external_market_estimates.csv",
        [
            {**point, "estimate_id": "example_2025", "year": "2025", "value_usd_bn": "7.5", "value_basis": "stated"},
            {**point, "estimate_id": "example_2030", "year": "2030", "value_usd_bn": "18", "value_basis": "stated"},
        ],
    )
    append_rows(
        seeds / "evidence" / "external_market_growth.csv",
        [
            {
                **common,
                "growth_id": "example_cagr",
                "geography": "global",
                "period_start_year": "2025",
                "period_end_year": "2030",
                "growth_pct": "19.1",
                "growth_kind": "cagr",
                "growth_qualifier": "exact",
                "is_verified": "false",
            }
        ],
    )
    append_rows(
        seeds / "evidence" / "external_market_shares.csv",
        [
            {
                **common,
                "share_id": "example_north_america",
                "geography": "global",
                "year": "2025",
                "breakdown": "region",
                "member": "North America",
                "share_pct": "45",
                "share_qualifier": "exact",
                "is_verified": "false",
            }
        ],
    )
    for estimate in ("example_2025", "example_2030"):
        assert estimate in (seeds / "evidence" / "external_market_estimates.csv").read_text(encoding="utf-8")
    assert pipeline.build(project_dir=project, published=warehouse) == 0
    return warehouse


def test_a_new_publishers_rows_put_it_on_the_chart_and_in_the_checks(warehouse_with_a_new_publisher):
    with duckdb.connect(str(warehouse_with_a_new_publisher), read_only=True) as connection:
        path = connection.execute(
            "select year, value_usd, basis, method, url from marts.fct_external_estimates "
            "where source_id = ? and geography = 'global' order by year",
            [NEW_SOURCE],
        ).fetchall()
        checks = connection.execute(
            "select check_kind, left_figure, right_figure, verdict from marts.fct_cross_checks "
            "where right_source_id = ? order by check_kind",
            [NEW_SOURCE],
        ).fetchall()
        region_share = connection.execute(
            "select share_of_parent_pct from marts.fct_market_size where geography_id = 'north_america' and year = 2025"
        ).fetchall()[0][0]
        report_2025 = connection.execute(
            "select value_usd from marts.fct_market_size where geography_id = 'global' and year = 2025"
        ).fetchall()[0][0]

    assert [year for year, *_ in path] == list(range(2025, project_vars()["last_year"] + 1))
    by_year = {year: (value, basis, method, url) for year, value, basis, method, url in path}
    assert by_year[2025] == (pytest.approx(7.5e9), "reported", "stated", "https://example.com/accelerator-card-market")
    assert by_year[2030][:3] == (pytest.approx(18e9), "reported", "stated")
    assert by_year[2027][:3] == (pytest.approx(7.5e9 * 1.191**2), "derived", "interpolated_at_publisher_cagr")
    assert by_year[2031][:3] == (pytest.approx(18e9 * 1.191), "derived", "extrapolated_at_publisher_cagr")

    kinds = {kind: (left, right, verdict) for kind, left, right, verdict in checks}
    assert set(kinds) == {"market_size_vs_publisher", "regional_share_vs_publisher"}
    assert kinds["market_size_vs_publisher"][:2] == (pytest.approx(report_2025), pytest.approx(7.5e9))
    assert kinds["regional_share_vs_publisher"][:2] == (pytest.approx(region_share), pytest.approx(45))
    assert all(verdict in VERDICTS for *_, verdict in kinds.values())


def test_gate_refuses_an_assumption_without_rationale_or_evidence(built_warehouse, tmp_path):
    """The gate's `assumptions` suite fails when an assumption names no evidence (nor says there is none)
    or states no rationale, and passes on the warehouse as built."""
    import shutil

    import duckdb

    from scripts.gate import run_gate

    def assumptions_suite(warehouse: Path):
        [suite] = [s for s in run_gate(warehouse, tmp_path / "docs").suites if s.name == "assumptions"]
        return suite

    assert assumptions_suite(built_warehouse.path).success
    broken = tmp_path / "broken.duckdb"
    shutil.copy2(built_warehouse.path, broken)
    with duckdb.connect(str(broken)) as connection:
        [(first, second)] = connection.execute(
            "select min(assumption_id), max(assumption_id) from marts.dim_assumption"
        ).fetchall()
        connection.execute("update marts.dim_assumption set evidence_ids = '' where assumption_id = ?", [first])
        connection.execute("update marts.dim_assumption set rationale = '  ' where assumption_id = ?", [second])
    suite = assumptions_suite(broken)
    assert not suite.success
    assert suite.passed == suite.evaluated - 2, suite.summary()
