"""The dashboard's pages, run by Streamlit's AppTest against a published warehouse."""

from __future__ import annotations

import json
import re
import shutil

import duckdb
import pyarrow as pa
import pytest
from conftest import read_seed, write_lock_held
from streamlit.testing.v1 import AppTest

from scripts.project import PROJECT_DIR, WAREHOUSE_ENV

APP = str(PROJECT_DIR / "dashboard" / "app.py")
PAGES = ["overview", "segments", "geography", "companies", "cited", "report_tables", "evidence"]


@pytest.fixture
def published_rows(published_warehouse):
    """The rows a query (with its parameters) returns from the published warehouse, read-only."""

    def rows(query: str, parameters: list | None = None) -> list[tuple]:
        with duckdb.connect(str(published_warehouse[1]), read_only=True) as connection:
            return connection.execute(query, parameters).fetchall()

    return rows


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


def chart_specs(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]


def english_headers() -> set[str]:
    from labels import TEXT

    return {text["en"] for text in TEXT.values()}


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_both_languages_with_a_chart_tables_and_the_trust_panel(open_app, page, language):
    from labels import t

    app = open_app(page, language)
    assert app.title[0].value == t("title", language)
    assert app.header[0].value == t(page, language)
    assert app.dataframe, "every page shows its figures in a table"
    assert chart_specs(app), "every page draws a chart"
    assert app.expander[0].label == t("trust", language)
    # every table and every chart can be downloaded
    assert len(app.get("download_button")) == len(app.dataframe) + 2 * len(chart_specs(app))
    if language == "zh-Hant":
        for table in app.dataframe:
            headers = {*table.value.columns, table.value.index.name} - {None}
            assert not headers & english_headers(), (page, headers)
    for table in app.dataframe:
        for cell in table.value.to_numpy().ravel():
            assert cell not in ("None", "nan", "NaN", "<NA>") and cell is not None, (page, cell)


def test_overview_shows_the_reported_headline_figures_with_their_basis(open_app):
    sizes = {row["year"]: row["value"] for row in read_seed("report/report_market_size.csv")}
    cagr = read_seed("report/report_market_growth.csv")[0]["cagr_pct"]
    metrics = {m.label: m.value for m in open_app("overview").metric}
    assert metrics == {
        "Market size 2025 (USD bn) · reported": f"{float(sizes['2025']):.2f}",
        "Market size 2031 (USD bn) · reported": f"{float(sizes['2031']):.2f}",
        "CAGR 2025-2031 · derived": f"{float(cagr):.1f}%",
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_figure_shown_carries_the_symbol_of_a_basis(open_app, page):
    from formatting import BASIS_SYMBOL

    for table in open_app(page).dataframe:
        for cell in table.value.to_numpy().ravel():
            assert not re.fullmatch(r"-?[\d,]*\.\d+", cell), (page, "a figure without its basis", cell)
            marked = re.fullmatch(r"-?[\d,]+(?:\.\d+)? (\S)", cell)
            assert marked is None or marked[1] in BASIS_SYMBOL.values(), (page, cell)


def test_report_tables_mark_each_cell_with_its_own_basis(open_app, published_rows):
    from formatting import BASIS_SYMBOL

    rows = published_rows(
        "select year, value_usd, basis, value_usd_p05, value_usd_p95 from marts.report_tables where section = '5.1.1'"
    )
    assert {basis for _, _, basis, _, _ in rows} == {"reported", "derived", "assumption"}
    laid_out = open_app("report_tables", section="5.1.1").dataframe[0].value
    [row] = laid_out.index
    for year, value_usd, basis, p05, p95 in rows:
        band = f" ({p05 / 1e9:,.2f}-{p95 / 1e9:,.2f})" if basis == "assumption" else ""
        assert laid_out.loc[row, str(year)] == f"{value_usd / 1e9:,.2f} {BASIS_SYMBOL[basis]}{band}", year


def test_report_tables_page_lays_out_a_section_as_the_address_asks(open_app, published_rows):
    from formatting import BASIS_SYMBOL

    app = open_app("report_tables", section="8.3.1.2.3")
    assert app.selectbox[0].value == "8.3.1.2.3"
    laid_out = app.dataframe[0].value
    expected = published_rows(
        "select member_label_en, share_pct, basis, share_pct_p05, share_pct_p95 from marts.report_tables "
        "where section = '8.3.1.2.3' and year = 2031"
    )
    counts = dict(
        published_rows("select basis, count(*) from marts.report_tables where section = '8.3.1.2.3' group by basis")
    )
    assert {basis for *_, basis, _, _ in expected} == {"assumption"}, "every share of 8.3.1.2.3 has a band"
    assert {(row, laid_out.loc[row, "2031"]) for row in laid_out.index} == {
        (label, f"{share:.1f} {BASIS_SYMBOL[basis]} ({p05:.1f}-{p95:.1f})")
        for label, share, basis, p05, p95 in expected
    }
    panel = app.expander[0].text[0].value
    assert f"{sum(counts.values())} figures" in panel
    for basis in ("reported", "derived", "assumption"):
        assert f"{counts.get(basis, 0)} " in panel, basis


@pytest.mark.parametrize(("section", "language"), [("8.3.1.2.3", "en"), ("5.1.1", "zh-Hant")])
def test_a_click_on_a_report_figure_shows_the_assumptions_behind_it(
    published_warehouse, monkeypatch, section, language, published_rows
):
    """One click on a cell of a report table lists that figure's assumptions with their rationales and
    evidence, as dim_assumption holds them; a figure with none says it rests on the report alone."""
    from labels import t

    _, warehouse = published_warehouse
    monkeypatch.setenv(WAREHOUSE_ENV, str(warehouse))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update({"page": "report_tables", "lang": language, "section": section})
    app.run()
    laid_out = app.dataframe[0].value
    member = laid_out.index[0]
    app.session_state[f"cells-report_table_{section}"] = {
        "selection": {"rows": [], "columns": [], "cells": [[0, "2031"]]}
    }
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    label = "member_label_en" if language == "en" else "member_label_zh_hant"
    [(assumption_ids,)] = published_rows(
        f"select assumption_ids from marts.report_tables where section = ? and year = 2031 "
        f"and coalesce({label}, '') in (?, '') order by member_sort_order limit 1",
        [section, member],
    )
    expected = published_rows(
        f"select {'label_en' if language == 'en' else 'label_zh_hant'}, rationale from marts.dim_assumption "
        "where list_contains(string_split(?, ';'), assumption_id)",
        [assumption_ids or ""],
    )
    texts = [element.value for element in app.text]
    if not expected:
        assert t("no_assumption_behind", language) in texts
        return
    [explained] = [table.value for table in app.dataframe if t("assumption", language) in table.value.columns]
    assert sorted(explained[t("assumption", language)]) == sorted(label for label, _ in expected)
    assert set(explained[t("rationale", language)]) == {rationale for _, rationale in expected}


@pytest.mark.parametrize(
    "parameters",
    [
        {"geography": "atlantis", "breakdown": "<b>x</b>"},
        {"geography": "**china**", "breakdown": "[application](javascript:alert(1))"},
        {"geography": "", "breakdown": "application "},
    ],
)
def test_choices_the_page_does_not_offer_fall_back_to_its_defaults(open_app, parameters):
    app = open_app("segments", **parameters, scenario=parameters["geography"])
    assert [box.value for box in app.selectbox] == ["global", "processor_type", "base"]
    assert dict(app.query_params) == {
        "lang": "en",
        "page": "segments",
        "geography": "global",
        "breakdown": "processor_type",
        "scenario": "base",
    }
    shown = [element.value for element in (*app.text, *app.caption, *app.markdown)]
    assert not any(value in text for text in shown for value in parameters.values() if value), shown


def test_a_view_is_in_the_address_so_a_link_reproduces_it(open_app):
    app = open_app("geography", "zh-Hant", year="2031", breakdown="application")
    assert app.select_slider[0].value == 2031 and app.selectbox[0].value == "application"
    assert dict(app.query_params) == {
        "lang": "zh-Hant",
        "page": "geography",
        "year": "2031",
        "breakdown": "application",
        "scenario": "base",
    }
    app.selectbox[0].select("processor_type").run()
    assert app.query_params["breakdown"] == "processor_type"


def segment_colours(app: AppTest, labels: dict[str, str]) -> dict[str, str]:
    """Each segment's colour in the page's first chart, by segment id."""
    [scale, *_] = [e["color"]["scale"] for e in encodings(chart_specs(app)[0]) if "scale" in e.get("color", {})]
    return {labels[label]: colour for label, colour in zip(scale["domain"], scale["range"], strict=True)}


def test_a_segment_has_one_colour_in_both_languages(open_app):
    segments = [row for row in read_seed("reference/segments.csv") if row["breakdown_id"] == "application"]
    english = segment_colours(
        open_app("segments", "en", breakdown="application"), {row["label_en"]: row["segment_id"] for row in segments}
    )
    chinese = segment_colours(
        open_app("segments", "zh-Hant", breakdown="application"),
        {row["label_zh_hant"]: row["segment_id"] for row in segments},
    )
    assert english == chinese
    assert len(set(english.values())) == len(segments)


def test_geography_chart_groups_countries_by_region_sorted_by_value(open_app, published_rows):
    spec = chart_specs(open_app("geography", year="2031"))[1]
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    expected = published_rows(
        """
        select p.label_en || ' · ' || g.label_en
        from marts.fct_market_size as m
        inner join marts.dim_geography as g using (geography_id)
        inner join marts.dim_geography as p on g.parent_geography_id = p.geography_id
        inner join marts.fct_market_size as pm on pm.geography_id = p.geography_id and pm.year = m.year
        where m.year = 2031 and g.geography_level in ('country', 'rest_of_region')
        order by pm.value_usd desc, p.sort_order, g.geography_level = 'rest_of_region', m.value_usd desc,
                g.sort_order
        """
    )
    assert order == [label for (label,) in expected]


def test_cited_figures_page_lists_every_figure_with_its_source_document(open_app, published_rows):
    table = open_app("cited").dataframe[0].value
    count = published_rows("select count(*) from marts.fct_cited_financials")[0][0]
    assert len(table) == count
    assert (table["Publisher"] != "").all()
    assert "NVIDIA Announces Financial Results for Second Quarter Fiscal 2025" in set(table["Source document"])
    # the source comes before the derived columns, so it is on screen without scrolling
    assert list(table.columns).index("Source document") < list(table.columns).index("Implied base value")


def test_zh_hant_shows_the_labels_of_the_zh_hant_edition(open_app):
    applications = {
        row["label_zh_hant"] for row in read_seed("reference/segments.csv") if row["breakdown_id"] == "application"
    }
    app = open_app("report_tables", "zh-Hant", section="8.3.1.2.3")
    assert set(app.dataframe[0].value.index) == applications
    assert app.selectbox[0].value == "8.3.1.2.3"


def test_a_write_lock_held_elsewhere_shows_one_line_and_the_page_returns_once_it_is_gone(
    published_warehouse, tmp_path, monkeypatch
):
    from labels import t

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
def test_evidence_page_states_the_scope_gap_from_the_checks_and_lists_every_check(open_app, published_rows, language):
    from formatting import share, usd_bn
    from labels import readable

    [(checks,)] = published_rows("select count(*) from marts.fct_cross_checks")
    # each company's smallest figure that alone exceeds a reported year's market; the furthest above it
    [(left, right, label)] = published_rows(
        "select left_figure, right_figure, left_label from marts.fct_cross_checks "
        "where check_kind = 'company_revenue_vs_market' and verdict = 'scope_mismatch' "
        "and right_basis = 'reported' "
        "qualify left_figure = min(left_figure) over (partition by subject) order by ratio desc limit 1"
    )
    reported_2025 = next(r["value"] for r in read_seed("report/report_market_size.csv") if r["year"] == "2025")
    app = open_app("evidence", language)
    [statement] = [text.value for text in app.text if readable(label, language) in text.value]
    assert f"{float(reported_2025):.2f}" in statement and f"{right / 1e9:.2f}" in statement
    assert readable(label, language) in statement and usd_bn(left) in statement
    assert f"{share(100 * right / left)}%" in statement
    tables = [frame.value for frame in app.dataframe]
    listed = max(tables, key=len)
    assert len(listed) == checks
    verdict_column = "Verdict" if language == "en" else "判定"
    verdicts = published_rows("select count(distinct verdict) from marts.fct_cross_checks")[0][0]
    assert listed[verdict_column].nunique() == verdicts > 1


# an identifier as the marts key it: lower-case words joined by underscores
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_evidence_page_shows_labels_never_keys_and_explains_in_the_page_language(open_app, language):
    """No snake_case key in any table or text of the Evidence page; each kind of check under its label from
    the seed, each verdict explained in the page's language, verdicts in the page's sentence case."""
    kinds = read_seed("reference/cross_check_kinds.csv")
    suffix = "en" if language == "en" else "zh_hant"
    app = open_app("evidence", language)
    tables = [frame.value for frame in app.dataframe]
    for table in tables:
        for cell in [*table.columns, *table.to_numpy().ravel()]:
            assert not SNAKE_CASE.search(str(cell)), (language, cell)
    for text in [*app.text, *app.caption]:
        assert not SNAKE_CASE.search(text.value), (language, text.value)
    listed = max(tables, key=len)
    kind_column, verdict_column, why_column = listed.columns[0], listed.columns[8], listed.columns[9]
    assert set(listed[kind_column]) == {kind[f"label_{suffix}"] for kind in kinds}
    explanations = {
        kind[f"explanation_{verdict}" + ("" if language == "en" else "_zh_hant")]
        for kind in kinds
        for verdict in ("consistent", "inconsistent", "scope_mismatch")
    } - {""}
    assert set(listed[why_column]) <= explanations
    if language == "zh-Hant":
        assert all(re.search(r"[\u4e00-\u9fff]", why) for why in listed[why_column]), "an English explanation"
    else:
        assert set(listed[verdict_column]) == {"Consistent", "Inconsistent", "Scope mismatch"}


def test_evidence_figures_read_as_on_every_page(open_app, published_rows):
    """A check's USD figures in billions to two decimals, percentages to one, ratios as multiples to two."""
    from formatting import BASIS_SYMBOL, growth, usd_bn

    checks = published_rows(
        "select left_figure, left_unit, left_basis, ratio from marts.fct_cross_checks "
        "order by check_kind_sort_order, check_id"
    )
    listed = max((frame.value for frame in open_app("evidence").dataframe), key=len)
    shown = {"USD": usd_bn, "percent": growth}
    for (figure, unit, basis, ratio), cell, multiple in zip(checks, listed["Value"], listed["Ratio"], strict=True):
        if unit in shown:
            assert cell == f"{shown[unit](figure)} {BASIS_SYMBOL[basis]}", (figure, unit, cell)
        assert multiple == f"{ratio:,.2f}\N{MULTIPLICATION SIGN}"


@pytest.mark.parametrize(
    ("page", "bearing", "not_bearing"),
    [
        ("overview", "market_size_vs_publisher", "company_share_vs_company_figure"),
        ("companies", "company_share_vs_company_figure", "cited_figure_vs_document"),
        ("cited", "cited_figure_vs_document", "market_size_vs_publisher"),
        ("geography", "regional_share_vs_publisher", "cited_figure_vs_document"),
    ],
)
@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_trust_panel_lists_the_cross_checks_that_bear_on_the_page_with_their_verdicts(
    open_app, published_rows, page, bearing, not_bearing, language
):
    from labels import VERDICTS

    suffix = "en" if language == "en" else "zh_hant"
    labels = dict(
        published_rows(
            f"select distinct check_kind, check_kind_label_{suffix} from marts.fct_cross_checks "
            "where check_kind in (?, ?)",
            [bearing, not_bearing],
        )
    )
    verdicts = published_rows(
        "select verdict, count(*) from marts.fct_cross_checks where check_kind = ? group by verdict", [bearing]
    )
    app = open_app(page, language)
    panel = "\n".join(text.value for text in app.expander[0].text)
    # a line per kind: its label, then its count of checks per verdict
    lines = dict(re.findall(r"^· (.+?)[:\N{FULLWIDTH COLON}] ?(.+)$", panel, flags=re.MULTILINE))
    assert labels[bearing] in lines and labels[not_bearing] not in lines, panel
    count_format = "{count} {verdict}" if language == "en" else "{count} \N{CJK UNIFIED IDEOGRAPH-9805}{verdict}"
    for verdict, count in verdicts:
        counted = count_format.format(count=count, verdict=VERDICTS[verdict][language])
        assert counted in lines[labels[bearing]], (lines[labels[bearing]], counted)


def test_cited_figures_in_usd_read_in_billions_to_two_decimals_with_their_words(open_app, published_rows):
    from formatting import BASIS_SYMBOL, usd_bn

    figures = published_rows(
        "select value, basis from marts.fct_cited_financials where unit = 'USD' order by organisation, figure_id"
    )
    for language, unit in (("en", "USD bn"), ("zh-Hant", "十億美元")):
        table = open_app("cited", language).dataframe[0].value
        value, unit_column, metric = table.columns[3], table.columns[4], table.columns[1]
        in_usd = table[table[unit_column] == unit]
        assert list(in_usd[value]) == [f"{usd_bn(v)} {BASIS_SYMBOL[b]}" for v, b in figures]
        assert not any(SNAKE_CASE.search(name) or "_" in name for name in table[metric])
    assert "資料中心營收" in set(open_app("cited", "zh-Hant").dataframe[0].value.iloc[:, 1])


def encodings(spec: dict) -> list[dict]:
    """Every encoding of a chart's spec, its layers' included."""
    found = [spec["encoding"]] if "encoding" in spec else []
    return found + [encoding for layer in spec.get("layer", []) for encoding in encodings(layer)]


@pytest.mark.parametrize(
    ("page", "parameters"),
    [("geography", {"year": "2027", "breakdown": "processor_type"}), ("companies", {}), ("cited", {})],
)
@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_every_bar_of_a_bar_chart_is_named_in_full(open_app, page, parameters, language):
    """Vega drops an axis label it finds too close to the next one, leaving a bar unnamed: every bar
    chart's names are kept, uncut, and its legend (if any) is never cut either."""
    for spec in chart_specs(open_app(page, language, **parameters)):
        names = [e["y"] for e in encodings(spec) if e.get("y", {}).get("type") == "nominal" and "axis" in e["y"]]
        assert names, (page, "a chart of horizontal bars")
        for y in names:
            assert y["axis"]["labelOverlap"] is False and y["axis"]["labelLimit"] == 0, (page, y)
        for legend in (e["color"]["legend"] for e in encodings(spec) if "legend" in e.get("color", {})):
            assert legend["labelLimit"] == 0, (page, legend)


def test_cited_growth_has_one_colour_per_comparison_in_both_languages(open_app):
    def colours(language: str) -> tuple[list[str], int]:
        [spec] = chart_specs(open_app("cited", language))
        [scale] = [e["color"]["scale"] for e in encodings(spec) if "scale" in e.get("color", {})]
        return scale["range"], len(scale["domain"])

    assert colours("en") == colours("zh-Hant")


def test_a_report_table_of_shares_says_of_which_market(open_app, published_rows):
    [(english, chinese)] = published_rows(
        "select distinct geography_label_en, geography_label_zh_hant from marts.report_tables "
        "where section = '8.3.1.2.3'"
    )
    for language, name in (("en", english), ("zh-Hant", chinese)):
        [spec] = chart_specs(open_app("report_tables", language, section="8.3.1.2.3"))
        [title] = {e["y"]["title"] for e in encodings(spec) if "y" in e}  # the line's and its band's
        assert name in title and "%" in title, title


def test_overview_marks_each_growth_with_its_own_basis_not_its_years(open_app, published_rows):
    """The 2025 market is reported, its growth on the assumed 2024 is not: each cell its own symbol."""
    from formatting import BASIS_SYMBOL, growth, usd_bn

    rows = published_rows(
        "select value_usd, basis, yoy_growth_pct, yoy_growth_basis from marts.fct_market_size "
        "where geography_id = 'global' order by year"
    )
    assert any(basis != growth_basis for _, basis, _, growth_basis in rows[1:]), "the case this test is about"
    table = open_app("overview").dataframe[0].value
    for (value, basis, growth_pct, growth_basis), (_, shown) in zip(rows, table.iterrows(), strict=True):
        assert shown["Market value (USD bn)"] == f"{usd_bn(value)} {BASIS_SYMBOL[basis]}"
        expected = f"{growth(growth_pct)} {BASIS_SYMBOL[growth_basis]}" if growth_basis else ""
        assert shown["Growth y/y (%)"] == expected


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_evidence_chart_built_ahead_is_valid_vega_lite(open_app, language):
    """The Evidence page builds its chart once per published file, unvalidated: the schema holds it here."""
    import altair as alt

    [spec] = chart_specs(open_app("evidence", language))
    alt.LayerChart.from_dict(spec, validate=True)


def band_text(p05: float, p95: float, scale: float, decimals: int) -> str:
    """A band as the pages show it, written out independently of dashboard/formatting.py."""
    return f"{p05 / scale:,.{decimals}f}-{p95 / scale:,.{decimals}f}"


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_overview_shows_each_years_band_beside_it_and_none_for_a_reported_year(open_app, published_rows, language):
    """The band column holds p05-p95 where the year is assumed and is blank where the report states the
    figure or it is derived from stated figures alone; the chart's error bars span the same bands."""
    from labels import t

    rows = published_rows(
        "select year, basis, value_usd_p05, value_usd_p95 from marts.fct_market_size "
        "where geography_id = 'global' order by year"
    )
    app = open_app("overview", language)
    table = app.dataframe[0].value
    expected = [band_text(p05, p95, 1e9, 2) if basis == "assumption" else "" for _, basis, p05, p95 in rows]
    assert list(table[t("value_band", language)]) == expected
    assert "" in expected and any(expected), "both kinds of year"
    [chart] = app.get("vega_lite_chart")
    [bars] = [layer for layer in json.loads(chart.proto.spec)["layer"] if layer["mark"]["type"] == "errorbar"]
    assert (bars["encoding"]["y"]["field"], bars["encoding"]["y2"]["field"]) == ("value_bn_p05", "value_bn_p95")
    # Streamlit sends a chart's data beside its spec, as Arrow
    [drawn] = [
        pa.ipc.open_stream(data.data.data).read_pandas()
        for data in chart.proto.datasets
        if data.name == bars["data"]["name"]
    ]
    assert list(zip(drawn["year"], drawn["value_bn_p05"], drawn["value_bn_p95"], strict=True)) == [
        (year, p05 / 1e9, p95 / 1e9) for year, basis, p05, p95 in rows if basis == "assumption"
    ]


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_a_band_caption_names_the_draws_of_the_published_build(open_app, published_rows, language):
    [(draws,)] = published_rows("select simulation_draws from meta.build_info")
    for page in ("overview", "segments", "geography", "companies", "report_tables"):
        captions = [caption.value for caption in open_app(page, language).caption]
        assert any(f" {draws:,} " in caption and "5-95%" in caption for caption in captions), (page, captions)


def test_segment_lines_carry_their_bands_shaded_and_the_grid_its_bands(open_app, published_rows):
    app = open_app("segments", geography="china", breakdown="application")
    [spec] = chart_specs(app)
    [area] = [layer for layer in spec["layer"] if layer["mark"]["type"] == "area"]
    assert (area["encoding"]["y"]["field"], area["encoding"]["y2"]["field"]) == ("value_bn_p05", "value_bn_p95")
    rows = published_rows(
        "select s.label_en, f.value_usd, f.value_usd_p05, f.value_usd_p95 from marts.fct_segment_forecast as f "
        "inner join marts.dim_segment as s using (breakdown_id, segment_id) "
        "where f.geography_id = 'china' and f.breakdown_id = 'application' and f.year = 2031"
    )
    values = app.dataframe[1].value
    for label, value, p05, p95 in rows:
        assert values.loc[label, "2031"] == f"{value / 1e9:,.2f} † ({band_text(p05, p95, 1e9, 2)})"


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_a_scenario_shows_its_figures_their_change_from_the_base_case_and_its_description(
    open_app, published_rows, language
):
    from labels import t

    suffix = "en" if language == "en" else "zh_hant"
    [(label, description)] = published_rows(
        f"select label_{suffix}, description_{suffix} from marts.dim_scenario where scenario_id = 'custom_silicon'"
    )
    names = [name for (name,) in published_rows(f"select label_{suffix} from marts.dim_scenario order by sort_order")]
    rows = published_rows(
        f"select s.label_{suffix}, f.value_usd, f.change_from_base_pct from marts.fct_scenario_forecast as f "
        "inner join marts.dim_segment as s using (breakdown_id, segment_id) "
        "where f.scenario_id = 'custom_silicon' and f.figure_kind = 'segment_value' "
        "and f.geography_id = 'global' and f.breakdown_id = 'processor_type' and f.year = 2031"
    )
    app = open_app("segments", language, scenario="custom_silicon")
    [box] = [box for box in app.selectbox if box.label == t("scenario", language)]
    assert box.value == "custom_silicon" and app.query_params["scenario"] == "custom_silicon"
    assert list(box.options) == names
    texts = [text.value for text in app.text]
    assert description in texts and any(label in text for text in texts)
    values, changes = (frame.value for frame in app.dataframe[1:3])
    assert any(change != 0 for _, _, change in rows), "a scenario that moves this breakdown"
    for segment, value, change in rows:
        assert values.loc[segment, "2031"] == f"{value / 1e9:,.2f} †", "a scenario's figure, without a band"
        assert changes.loc[segment, "2031"] == f"{change:,.1f} †"
    app.selectbox[-1].select("base").run()
    assert app.query_params["scenario"] == "base" and len(app.dataframe) == 2


def test_trust_panel_names_the_widest_bands_the_simulations_runs_and_the_figures_outside_their_bands(
    open_app, published_rows
):
    [(widest, year)] = published_rows(
        "select s.label_en, f.year from marts.fct_segment_forecast as f "
        "inner join marts.dim_segment as s using (breakdown_id, segment_id) "
        "where f.geography_id = 'global' and f.breakdown_id = 'application' "
        "order by (f.value_usd_p95 - f.value_usd_p05) / f.value_usd desc limit 1"
    )
    [(runs,)] = published_rows("select max(run_count) from marts.fct_simulation_checks")
    explained = published_rows(
        "select a.assumption_id, a.label_en from marts.fct_band_exceptions as e "
        "inner join marts.dim_assumption as a on e.explaining_assumption_id = a.assumption_id "
        "where e.value_kind = 'segment_value' and e.geography_id = 'global' and e.breakdown_id = 'application'"
    )
    outside = len(explained)
    panel = "\n".join(text.value for text in open_app("segments", breakdown="application").expander[0].text)
    lines = panel.splitlines()
    first = lines.index("Widest bands in view (5-95% width relative to the figure):")
    assert lines[first + 1].startswith(f"· {widest} · {year}: "), lines[first + 1]
    assert f"held in each of {runs:,} runs" in panel
    expected = (
        f"{outside} base-case figures in view lie outside their own bands"
        if outside
        else "Every base-case figure in view lies inside its band."
    )
    assert expected in panel, panel
    # each named by what it sets, not by its id
    for assumption_id, label in explained:
        assert label in panel and assumption_id not in panel, panel


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_a_figure_outside_its_band_is_explained_by_its_assumption_in_words(open_app, published_rows, language):
    label = "label_en" if language == "en" else "label_zh_hant"
    # the seeds' lopsided ranges put some base-case segment values outside their bands
    exceptions = published_rows(
        f"select e.geography_id, e.breakdown_id, a.assumption_id, a.{label} from marts.fct_band_exceptions as e "
        "inner join marts.dim_assumption as a on e.explaining_assumption_id = a.assumption_id "
        "where e.value_kind = 'segment_value' order by e.geography_id, e.breakdown_id limit 1"
    )
    assert exceptions, "no segment value outside its band: nothing to explain"
    [(geography, breakdown, assumption_id, words)] = exceptions
    app = open_app("segments", language, geography=geography, breakdown=breakdown)
    panel = "\n".join(text.value for text in app.expander[0].text)
    assert words in panel and assumption_id not in panel, panel
