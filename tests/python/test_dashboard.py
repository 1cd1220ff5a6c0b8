"""The dashboard's pages, run by Streamlit's AppTest against a published warehouse."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from conftest import read_seed, write_lock_held
from streamlit.testing.v1 import AppTest

from scripts.project import PROJECT_DIR, WAREHOUSE_ENV

APP = str(PROJECT_DIR / "dashboard" / "app.py")
PAGES = ["overview", "segments", "geography", "companies", "cited", "report_tables", "evidence"]


@pytest.fixture
def open_app(published_warehouse, monkeypatch):
    _, warehouse = published_warehouse
    monkeypatch.setenv(WAREHOUSE_ENV, str(warehouse))

    def run(page: str, language: str = "en", **parameters: str) -> AppTest:
        app = AppTest.from_file(APP, default_timeout=60)
        app.query_params["page"] = page
        app.query_params["lang"] = language
        for key, value in parameters.items():
            app.query_params[key] = value
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        return app

    return run


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_both_languages(open_app, page, language):
    from dashboard.labels import t

    app = open_app(page, language)
    assert app.title[0].value == t("title", language)
    assert app.header[0].value == t(page, language)
    assert app.dataframe, "every page shows its figures in a table"


def test_overview_shows_the_reported_headline_figures_with_their_basis(open_app):
    sizes = {row["year"]: row["value"] for row in read_seed("report/report_market_size.csv")}
    cagr = read_seed("report/report_market_growth.csv")[0]["cagr_pct"]
    metrics = {m.label: m.value for m in open_app("overview").metric}
    assert metrics == {
        "Market size 2025 (USD bn) · reported": f"{float(sizes['2025']):.2f}",
        "Market size 2031 (USD bn) · reported": f"{float(sizes['2031']):.2f}",
        "CAGR 2025-2031 · derived": f"{float(cagr):.2f}%",
    }


def test_assumption_figures_are_never_shown_without_their_mark(open_app, published_warehouse):
    _, warehouse = published_warehouse
    for page in ["overview", "segments", "geography", "companies"]:
        table = open_app(page).dataframe[0].value
        basis_column = table["Basis"]
        assert basis_column.isin(["reported", "derived", "assumption †"]).all(), page
    segments = open_app("segments").dataframe[0].value
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        bases = connection.execute("select distinct basis from marts.fct_segment_forecast").fetchall()
    assert bases == [("assumption",)]
    assert set(segments["Basis"]) == {"assumption †"}


def test_report_tables_page_lays_out_a_section_and_offers_it_as_csv(open_app, published_warehouse):
    _, warehouse = published_warehouse
    app = open_app("report_tables", section="8.3.1.2.3")
    assert app.selectbox[0].value == "8.3.1.2.3"
    laid_out = app.dataframe[0].value
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        expected = connection.execute(
            "select member_label_en, round(share_pct, 2) from marts.report_tables "
            "where section = '8.3.1.2.3' and year = 2031"
        ).fetchall()
    assert {(row, laid_out.loc[row, "2031"]) for row in laid_out.index} == set(expected)
    assert app.get("download_button")


def test_zh_hant_shows_the_labels_of_the_zh_hant_edition(open_app):
    applications = {
        row["label_zh_hant"] for row in read_seed("reference/segments.csv") if row["breakdown_id"] == "application"
    }
    app = open_app("report_tables", "zh-Hant", section="8.3.1.2.3")
    assert set(app.dataframe[0].value.index) == applications
    assert app.selectbox[0].value == "8.3.1.2.3"


def test_cited_figures_page_lists_every_figure_with_its_source_document(open_app, published_warehouse):
    _, warehouse = published_warehouse
    table = open_app("cited").dataframe[0].value
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        count = connection.execute("select count(*) from marts.fct_cited_financials").fetchone()[0]
    assert len(table) == count
    assert table["publisher"].notna().all()
    assert "NVIDIA Announces Financial Results for Second Quarter Fiscal 2025" in set(table["title"])


def test_a_write_lock_held_elsewhere_shows_one_line_and_the_page_returns_once_it_is_gone(
    published_warehouse, tmp_path, monkeypatch
):
    from dashboard.labels import t

    # a file of its own, so no figure read by an earlier test is served from the cache
    warehouse = tmp_path / "accelerator_card_market.duckdb"
    shutil.copy(published_warehouse[1], warehouse)
    monkeypatch.setenv("ACM_WAREHOUSE_PATH", str(warehouse))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["page"] = "overview"
    with write_lock_held(warehouse):
        app.run()
        assert not app.exception
        assert [warning.value for warning in app.warning] == [t("warehouse_busy", "en")]
        assert not app.metric and not app.dataframe
    app.run()
    assert not app.exception and not app.warning
    assert len(app.metric) == 3 and app.dataframe


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_evidence_page_states_the_scope_gap_from_the_checks_and_lists_every_check(
    open_app, published_warehouse, language
):
    _, warehouse = published_warehouse
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        checks = connection.execute("select count(*) from marts.fct_cross_checks").fetchone()[0]
        # each company's smallest figure that alone exceeds a reported year's market; the furthest above it
        left, right, label = connection.execute(
            "select left_figure, right_figure, left_label from marts.fct_cross_checks "
            "where check_kind = 'company_revenue_vs_market' and verdict = 'scope_mismatch' "
            "and right_basis = 'reported' "
            "qualify left_figure = min(left_figure) over (partition by subject) order by ratio desc limit 1"
        ).fetchone()
    reported_2025 = next(r["value"] for r in read_seed("report/report_market_size.csv") if r["year"] == "2025")
    app = open_app("evidence", language)
    statement = app.text[0].value
    assert f"{float(reported_2025):.2f}" in statement and f"{right / 1e9:.2f}" in statement
    assert label in statement and f"{left / 1e9:.1f}" in statement and f"{100 * right / left:.0f}%" in statement
    tables = [frame.value for frame in app.dataframe]
    listed = max(tables, key=len)
    assert len(listed) == checks
    verdict_column = "Verdict" if language == "en" else "判定"
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        verdicts = connection.execute("select count(distinct verdict) from marts.fct_cross_checks").fetchone()[0]
    assert listed[verdict_column].nunique() == verdicts > 1
