"""The accelerator card market dashboard: `make dashboard` serves it on 127.0.0.1.

One page at a time, chosen in the sidebar; labels in English or zh-Hant; every figure shown with the
symbol of its own basis. Every choice a page offers (page, language, geography, breakdown, year,
section) lives in the address, so a link reproduces the view; a value the page does not offer falls
back to its default. Every table downloads as the CSV of what it shows, every chart as PNG or SVG.

A page is a function of the language that draws the page and returns the bases of the figures it
shows (for the trust panel); RENDER lists them, one line a page.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

# the dashboard's modules sit beside this script; the warehouse's path is the project's (scripts/project.py)
sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import data
import evidence
import formatting as fmt
from labels import BASIS, LANGUAGES, PAGES, VERDICTS, identifier, t
from widgets import show_chart, show_table

BASES = ["reported", "derived", "assumption"]
BASIS_COLOURS = ["#1f77b4", "#2ca02c", "#ff7f0e"]
# Colours of the members of a breakdown (segments, companies, countries), by their place in it:
# the same member has the same colour in both languages.
PALETTE = [
    "#4c78a8",
    "#f58518",
    "#54a24b",
    "#e45756",
    "#72b7b2",
    "#b279a2",
    "#eeca3b",
    "#9d755d",
    "#ff9da6",
    "#bab0ac",
    "#439894",
    "#d6a5c9",
]
LEGEND = {"orient": "bottom", "direction": "horizontal", "columns": 3, "labelLimit": 0, "titleLimit": 0}
CHOSEN: dict[str, str] = {}  # the choices of this run, written to the address at its end
# the figures this run shows with a band (note_bands), for the trust panel's widest bands and exceptions
BANDED: list[pd.DataFrame] = []
# the keys that name a figure of each kind in marts.fct_band_exceptions
EXCEPTION_KEYS = {
    "market_size": ["geography_id", "year"],
    "segment_value": ["geography_id", "breakdown_id", "segment_id", "year"],
    "company_share": ["company_id", "year"],
}


def choose(widget: Callable, parameter: str, label: str, options: Sequence, default: object, **kwargs) -> object:
    """A widget whose choice is the address's parameter when it names an option, the default otherwise."""
    requested = st.query_params.get(parameter)
    by_text = {str(option): option for option in options}
    chosen = by_text.get(requested, default) if isinstance(requested, str) else default
    if widget is st.select_slider or getattr(widget, "__name__", "") == "select_slider":
        value = widget(label, options=list(options), value=chosen, **kwargs)
    else:
        value = widget(label, list(options), index=list(options).index(chosen), **kwargs)
    CHOSEN[parameter] = str(value)
    return value


def label_column(language: str, prefix: str = "") -> str:
    return f"{prefix}label_en" if language == "en" else f"{prefix}label_zh_hant"


def basis_scale(language: str) -> alt.Scale:
    return alt.Scale(domain=[fmt.basis_name(basis, language) for basis in BASES], range=BASIS_COLOURS)


def member_scale(labels: Sequence[str], places: Sequence[int]) -> alt.Scale:
    """Colours for members labelled labels, each by its place in its breakdown (not by its label)."""
    return alt.Scale(domain=list(labels), range=[PALETTE[place % len(PALETTE)] for place in places])


# the axis of a chart of horizontal bars: every bar named, in full (Vega would drop a label it finds too
# close to the next one, leaving a bar unnamed; bars_height gives each its row)
BAR_LABELS = alt.Axis(labelLimit=0, labelOverlap=False)


def bars_height(bars: int, legend_rows: int = 1) -> int:
    """The height of a chart of horizontal bars: a row per bar that fits its label, and room for the title,
    the x axis and a legend of legend_rows rows (Streamlit fits the whole chart, not its plot, into the
    height, and Vega drops the axis labels that would overlap in a plot too short for them)."""
    return 28 * bars + 130 + 24 * legend_rows


def note_bands(frame: pd.DataFrame, names: Sequence[str], value: str, kind: str, value_kind: str) -> None:
    """Figures shown with their bands (frame's value, value_p05 and value_p95 columns), each named as the
    page names it: the trust panel lists the widest and counts those outside their bands."""
    BANDED.append(
        pd.DataFrame(
            {
                "name": list(names),
                "value": frame[value].to_numpy(),
                "p05": frame[f"{value}_p05"].to_numpy(),
                "p95": frame[f"{value}_p95"].to_numpy(),
                "kind": kind,
                "key": figure_keys(frame, value_kind).to_numpy(),
            }
        )
    )


def figure_keys(frame: pd.DataFrame, value_kind: str) -> pd.Series:
    """Each figure of frame (of kind value_kind) named by its keys in marts.fct_band_exceptions, as one text."""
    keys = [frame[key].astype(str) for key in EXCEPTION_KEYS[value_kind]]
    return pd.Series(value_kind, index=frame.index).str.cat(keys, sep="|")


def band_note(language: str) -> str:
    draws = data.build_info()["simulation_draws"].iloc[0]
    return t("band_note", language).format(draws=f"{int(draws):,}")


def choose_scenario(language: str, container: st.delta_generator.DeltaGenerator | None = None) -> str:
    """The scenario of the view (in the address; the base case by default), named in language; a scenario
    other than the base case is described under the choice."""
    scenarios = data.scenarios()
    names = dict(zip(scenarios["scenario_id"], scenarios[label_column(language)], strict=True))
    box = (container or st).selectbox
    scenario = str(choose(box, "scenario", t("scenario", language), list(names), "base", format_func=names.get))
    if scenario != "base":
        described = scenarios.set_index("scenario_id").loc[scenario]
        # text, not Markdown: the description comes from a seed
        st.text(described["description_en" if language == "en" else "description_zh_hant"])
        st.text(t("scenario_note", language).format(scenario=names[scenario]))
    return scenario


def in_scenario(frame: pd.DataFrame, scenario: str, figure_kind: str, keys: list[str]) -> pd.DataFrame:
    """frame's figures as the scenario has them (marts.fct_scenario_forecast), each beside the base case's
    and its change from it; a scenario is one run of the model, so its figures have no band."""
    if scenario == "base":
        return frame
    figures = data.scenario_figures(scenario, figure_kind)[
        [*keys, "value_usd", "share_pct", "base_value_usd", "change_from_base_pct"]
    ]
    shown = frame.drop(columns=["value_usd", "share_pct"], errors="ignore").merge(figures, on=keys, how="left")
    for column in [c for c in shown.columns if c.endswith(("_p05", "_p95"))]:
        shown[column] = float("nan")
    return shown


def error_bars(
    frame: pd.DataFrame, category: alt.X | alt.Y, low: str, high: str, title: str, horizontal: bool
) -> alt.Chart:
    """The 5-95% band of each bar as an error bar, where the band has width; title is the bars' axis title
    (Vega-Lite would otherwise add the band's column to it)."""
    banded = frame[[fmt.has_width(p05, p95) for p05, p95 in zip(frame[low], frame[high], strict=True)]]
    ends = (
        {"x": alt.X(f"{low}:Q", title=title), "x2": f"{high}:Q"}
        if horizontal
        else {"y": alt.Y(f"{low}:Q", title=title), "y2": f"{high}:Q"}
    )
    return (
        alt.Chart(banded)
        .mark_errorbar(ticks=True, color="#333")
        .encode(**({"y": category} if horizontal else {"x": category}), **ends)
    )


def fan_chart(
    frame: pd.DataFrame,
    value: str,
    title: str,
    y_title: str,
    color: alt.Color,
    tooltip: list,
    language: str,
    base: str | None = None,
) -> alt.LayerChart:
    """A line per member over the years, its 5-95% band shaded around it (frame's value_p05 and value_p95
    columns) or, in a scenario, the base case's line (frame's column base) dashed beside it."""
    x = alt.X("year:O", title=t("year", language), axis=alt.Axis(labelAngle=0))
    lines = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(x=x, y=alt.Y(f"{value}:Q", title=y_title), color=color, tooltip=tooltip)
    )
    if base is not None:
        beside = alt.Chart(frame).mark_line(strokeDash=[5, 4], opacity=0.6)
        beside = beside.encode(x=x, y=alt.Y(f"{base}:Q", title=y_title), color=color)
    else:
        beside = alt.Chart(frame).mark_area(opacity=0.18)
        beside = beside.encode(x=x, y=alt.Y(f"{value}_p05:Q", title=y_title), y2=f"{value}_p95:Q", color=color)
    return alt.layer(beside, lines, title=title)


def overview(language: str) -> list[str]:
    market = data.global_market()
    by_year = market.set_index("year")
    first, last = int(market["year"].min()), int(market["year"].max())
    base = 2025 if 2025 in by_year.index else first
    # the mart's 2025-2031 CAGR, the same on every row of the geography
    cagr = by_year.loc[last, "forecast_cagr_pct"]
    left, middle, right = st.columns(3)
    for column, key, year in ((left, "market_2025", base), (middle, "market_2031", last)):
        basis = by_year.loc[year, "basis"]
        column.metric(f"{t(key, language)} · {BASIS[basis][language]}", fmt.usd_bn(by_year.loc[year, "value_usd"]))
    right.metric(f"{t('cagr', language)} · {BASIS['derived'][language]}", f"{fmt.growth(cagr)}%")
    st.caption(t("headline_note", language))
    scenario = choose_scenario(language)
    market = in_scenario(market, scenario, "market_size", ["geography_id", "year"])

    market["value_bn"] = market["value_usd"] / 1e9
    market["value_bn_p05"], market["value_bn_p95"] = market["value_usd_p05"] / 1e9, market["value_usd_p95"] / 1e9
    # a bar's label above its bar and its error bar
    market["label_bn"] = market[["value_bn", "value_bn_p95"]].max(axis=1)
    market["shown"] = market["value_usd"].map(fmt.usd_bn)
    market["basis_name"] = market["basis"].map(lambda basis: fmt.basis_name(basis, language))
    market["method_name"] = market["method"].map(lambda method: identifier(method, language))
    bars = (
        alt.Chart(market, title=t("market_chart", language))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=t("year", language), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value_bn:Q", title=t("market_value_bn", language)),
            color=alt.Color("basis_name:N", scale=basis_scale(language), title=t("basis", language), legend=LEGEND),
            tooltip=[
                alt.Tooltip("year:O", title=t("year", language)),
                alt.Tooltip("shown:N", title=t("value_bn", language)),
                alt.Tooltip("basis_name:N", title=t("basis", language)),
            ],
        )
    )
    value_title = t("market_value_bn", language)
    text = bars.mark_text(dy=-8, fontSize=11, baseline="bottom").encode(
        y=alt.Y("label_bn:Q", title=value_title), text="shown:N", color=alt.value("#333")
    )
    year_axis = alt.X("year:O", title=t("year", language), axis=alt.Axis(labelAngle=0))
    marks = bars + error_bars(market, year_axis, "value_bn_p05", "value_bn_p95", value_title, False) + text
    columns: list[fmt.Column] = [
        ("year", "year", "year", False),
        ("value_usd", "market_value_bn", "usd_bn", True),
        ("value_usd", "value_band", "band:usd_bn", False),
    ]
    if scenario != "base":
        market["base_bn"] = market["base_value_usd"] / 1e9
        marks += (
            alt.Chart(market)
            .mark_tick(color="#000", thickness=2)
            .encode(x=year_axis, y=alt.Y("base_bn:Q", title=value_title))
        )
        columns += [
            ("base_value_usd", "base_case_bn", "usd_bn", True),
            ("change_from_base_pct", "change_from_base_pct", "growth", True),
        ]
    else:
        note_bands(market, [str(year) for year in market["year"]], "value_usd", "usd_bn", "market_size")
    show_chart(marks.properties(height=420), f"global_market_{scenario}", language)
    # a scenario's growth is not in the marts: the growths shown are the base case's alone
    growths = [("yoy_growth_pct", "growth_pct", "growth", "yoy_growth_basis")] if scenario == "base" else []
    columns += [
        *growths,
        ("method_name", "method", "text", False),
        ("publisher", "publisher", "text", False),
    ]
    show_table(fmt.table(market, columns, language), f"global_market_{scenario}", language)
    st.caption(fmt.legend(language))
    st.caption(band_note(language))
    # each year's value (the headline figures are two of them), each year's growth, and the CAGR
    shown_growth = market["yoy_growth_basis"][market["yoy_growth_pct"].notna()] if scenario == "base" else []
    return [*market["basis"], *shown_growth, "derived"]


def breakdown_names(language: str) -> dict[str, str]:
    dimensions = data.dimensions()
    dimension_label = "breakdown_label_en" if language == "en" else "breakdown_label_zh_hant"
    return dict(zip(dimensions["breakdown_id"], dimensions[dimension_label], strict=True))


def segment_places() -> dict[tuple[str, str], int]:
    order = data.segment_order()
    order["place"] = order.groupby("breakdown_id").cumcount()
    return {(row.breakdown_id, row.segment_id): row.place for row in order.itertuples()}


def segments(language: str) -> list[str]:
    geographies = data.geographies()
    label = label_column(language)
    geography_names = dict(zip(geographies["geography_id"], geographies[label], strict=True))
    breakdowns = breakdown_names(language)
    left, right = st.columns(2)
    geography = choose(
        left.selectbox, "geography", t("geography_label", language), list(geography_names), "global",
        format_func=geography_names.get,
    )  # fmt: skip
    breakdown = choose(
        right.selectbox, "breakdown", t("dimension", language), list(breakdowns), next(iter(breakdowns)),
        format_func=breakdowns.get,
    )  # fmt: skip
    scenario = choose_scenario(language)
    frame = data.segment_forecast(geography, breakdown)
    frame = in_scenario(frame, scenario, "segment_value", ["geography_id", "breakdown_id", "segment_id", "year"])
    frame["segment"] = frame[label]
    frame["value_bn"] = frame["value_usd"] / 1e9
    frame["value_bn_p05"], frame["value_bn_p95"] = frame["value_usd_p05"] / 1e9, frame["value_usd_p95"] / 1e9
    frame["shown"] = frame["value_usd"].map(fmt.usd_bn)
    frame["share_shown"] = frame["share_pct"].map(fmt.share)
    frame["band_shown"] = [
        fmt.band(p05, p95, "usd_bn") for p05, p95 in zip(frame["value_usd_p05"], frame["value_usd_p95"], strict=True)
    ]
    places = segment_places()
    order = frame.drop_duplicates("segment_id")
    scale = member_scale(order["segment"], [places[(breakdown, s)] for s in order["segment_id"]])

    # the same legend on every layer (a layer without one, drawn first, would hide the chart's)
    color = alt.Color(
        "segment:N", title=t("segment", language), scale=scale, sort=list(order["segment"]), legend=LEGEND
    )

    tooltip = [
        alt.Tooltip("segment:N", title=t("segment", language)),
        alt.Tooltip("year:O", title=t("year", language)),
        alt.Tooltip("shown:N", title=t("segment_value_bn", language)),
        alt.Tooltip("band_shown:N", title=t("value_band", language)),
        alt.Tooltip("share_shown:N", title=t("share_of_geography_pct", language)),
    ]
    title = t("segments_chart", language).format(geography=geography_names[geography], breakdown=breakdowns[breakdown])
    if scenario != "base":
        frame["base_bn"] = frame["base_value_usd"] / 1e9
    base = None if scenario == "base" else "base_bn"
    chart = fan_chart(frame, "value_bn", title, t("segment_value_bn", language), color, tooltip, language, base)
    legend_rows = -(-len(order) // 3)  # LEGEND's three columns
    show_chart(
        chart.properties(height=360 + 24 * legend_rows), f"segments_{geography}_{breakdown}_{scenario}", language
    )
    if scenario == "base":
        note_bands(frame, frame["segment"] + " · " + frame["year"].astype(str), "value_usd", "usd_bn", "segment_value")
    st.caption(t("share_of_geography_pct", language))
    shares = fmt.laid_out(frame, "segment", "year", "share_pct", "share", bands=("share_pct_p05", "share_pct_p95"))
    shares.index.name = t("segment", language)
    show_table(shares, f"segment_shares_{geography}_{breakdown}_{scenario}", language, index=True)
    st.caption(t("segment_value_bn", language))
    values = fmt.laid_out(frame, "segment", "year", "value_usd", "usd_bn", bands=("value_usd_p05", "value_usd_p95"))
    values.index.name = t("segment", language)
    show_table(values, f"segment_values_{geography}_{breakdown}_{scenario}", language, index=True)
    if scenario != "base":
        st.caption(t("change_from_base_pct", language))
        changes = fmt.laid_out(frame, "segment", "year", "change_from_base_pct", "growth")
        changes.index.name = t("segment", language)
        show_table(changes, f"segment_changes_{geography}_{breakdown}_{scenario}", language, index=True)
    st.caption(fmt.legend(language))
    st.caption(band_note(language))
    return [*frame["basis"], *frame["basis"]]  # a value and a share per segment and year


def geography(language: str) -> list[str]:
    label = label_column(language)
    breakdowns = {"total": t("total", language), **breakdown_names(language)}
    left, right = st.columns(2)
    year = choose(left.select_slider, "year", t("year", language), list(range(2021, 2032)), 2025)
    breakdown = choose(
        right.selectbox, "breakdown", t("dimension", language), list(breakdowns), "total", format_func=breakdowns.get
    )
    is_total = breakdown == "total"
    scenario = choose_scenario(language)
    frame = data.geography_values(year, None if is_total else breakdown)
    if is_total:
        frame = in_scenario(frame, scenario, "market_size", ["geography_id", "year"])
        frame["geography_value_usd"] = frame["value_usd"]
    else:
        frame = in_scenario(frame, scenario, "segment_value", ["geography_id", "breakdown_id", "segment_id", "year"])
        if scenario != "base":
            markets = data.scenario_figures(scenario, "market_size")
            totals = markets[markets["year"] == year].set_index("geography_id")
            frame["geography_value_usd"] = frame["geography_id"].map(totals["value_usd"])
            frame["geography_base_usd"] = frame["geography_id"].map(totals["base_value_usd"])
    if scenario != "base" and is_total:
        frame["geography_base_usd"] = frame["base_value_usd"]
    frame["geography"] = frame[label]
    frame["parent"] = frame["parent_en" if language == "en" else "parent_zh_hant"]
    frame["segment"] = frame["segment_en" if language == "en" else "segment_zh_hant"]
    frame["value_bn"] = frame["value_usd"] / 1e9
    frame["shown"] = frame["value_usd"].map(fmt.usd_bn)
    frame["total_bn"] = frame["geography_value_usd"] / 1e9
    frame["total_shown"] = frame["geography_value_usd"].map(fmt.usd_bn)
    frame["total_bn_p05"] = frame["geography_value_usd_p05"] / 1e9
    frame["total_bn_p95"] = frame["geography_value_usd_p95"] / 1e9
    # a bar's total after its bar and its error bar
    frame["label_bn"] = frame[["total_bn", "total_bn_p95"]].max(axis=1)
    # regions by value, largest first; each region's countries under it, largest first; equal values in
    # the geographies' own order
    regions = frame[frame["geography_level"] == "region"].drop_duplicates("geography_id")
    regions = regions.sort_values(["geography_value_usd", "sort_order"], ascending=[False, True])
    region_rank = {geography_id: rank for rank, geography_id in enumerate(regions["geography_id"])}
    countries = frame[frame["geography_level"].isin(["country", "rest_of_region"])].copy()
    countries["geography"] = countries["parent"] + " · " + countries["geography"]
    countries["region_rank"] = countries["parent_geography_id"].map(region_rank)
    # a region's rest (the countries the report does not name) closes its group
    countries["is_rest"] = countries["geography_level"] == "rest_of_region"
    country_order = countries.drop_duplicates("geography_id").sort_values(
        ["region_rank", "is_rest", "geography_value_usd", "sort_order"], ascending=[True, True, False, True]
    )
    places = segment_places()
    segment_rows = frame.drop_duplicates("segment_id")
    tooltip = [
        alt.Tooltip("geography:N", title=t("geography_label", language)),
        alt.Tooltip("shown:N", title=t("value_bn", language)),
    ]
    if is_total:
        color = alt.value(PALETTE[0])
    else:
        tooltip.insert(1, alt.Tooltip("segment:N", title=t("segment", language)))
        color = alt.Color(
            "segment:N",
            title=t("segment", language),
            scale=member_scale(segment_rows["segment"], [places[(breakdown, s)] for s in segment_rows["segment_id"]]),
            sort=list(segment_rows["segment"]),
            legend=LEGEND,
        )
    legend_rows = 1 if is_total else -(-len(segment_rows) // 3)  # LEGEND's three columns
    value_title = t("market_value_bn", language)
    for part, order, title_key, axis_key in (
        (frame[frame["geography_level"] == "region"], list(regions["geography"]), "regions_chart", "region"),
        (countries, list(country_order["geography"]), "countries_chart", "country_in_region"),
    ):
        y = alt.Y("geography:N", sort=order, title=t(axis_key, language), axis=BAR_LABELS)
        bars = (
            alt.Chart(part)
            .mark_bar()
            .encode(
                y=y,
                x=alt.X("value_bn:Q", stack=True, title=value_title),
                color=color,
                order=alt.Order("segment_sort_order:Q"),
                tooltip=tooltip,
            )
        )
        geographies = part.drop_duplicates("geography_id")
        totals = (
            alt.Chart(geographies)
            .mark_text(align="left", dx=4, fontSize=11)
            .encode(y=y, x=alt.X("label_bn:Q", title=value_title), text="total_shown:N", color=alt.value("#333"))
        )
        marks = bars + error_bars(geographies, y, "total_bn_p05", "total_bn_p95", value_title, True) + totals
        if scenario != "base":
            geographies = geographies.assign(base_bn=geographies["geography_base_usd"] / 1e9)
            marks += (
                alt.Chart(geographies)
                .mark_tick(color="#000", thickness=2)
                .encode(y=y, x=alt.X("base_bn:Q", title=value_title))
            )
        chart = marks.properties(
            title=t(title_key, language).format(year=year),
            height=bars_height(part["geography_id"].nunique(), legend_rows=legend_rows),
        )
        show_chart(chart, f"{title_key}_{year}_{breakdown}_{scenario}", language)
    columns: list[fmt.Column] = [("geography", "geography_label", "text", False), ("parent", "parent", "text", False)]
    if is_total:
        columns += [
            ("value_usd", "market_value_bn", "usd_bn", True),
            ("value_usd", "value_band", "band:usd_bn", False),
            ("share_pct", "share_of_parent_pct", "share", True),
            ("share_pct", "share_band", "band:share", False),
        ]
    else:
        columns += [
            ("segment", "segment", "text", False),
            ("value_usd", "segment_value_bn", "usd_bn", True),
            ("value_usd", "value_band", "band:usd_bn", False),
            ("share_pct", "share_of_geography_pct", "share", True),
            ("share_pct", "share_band", "band:share", False),
        ]
    if scenario != "base":
        columns += [
            ("base_value_usd", "base_case_bn", "usd_bn", True),
            ("change_from_base_pct", "change_from_base_pct", "growth", True),
        ]
    else:
        names = frame["geography"] if is_total else frame["geography"] + " · " + frame["segment"]
        note_bands(frame, names, "value_usd", "usd_bn", "market_size" if is_total else "segment_value")
    show_table(fmt.table(frame, columns, language), f"geography_{year}_{breakdown}_{scenario}", language)
    st.caption(fmt.legend(language))
    st.caption(band_note(language))
    return [*frame["basis"], *frame["basis"]]  # a value and a share per row


def companies(language: str) -> list[str]:
    frame = data.company_shares().sort_values("share_pct", ascending=False, kind="stable")
    frame["company"] = frame[label_column(language)]
    frame["shown"] = frame["share_pct"].map(fmt.share)
    frame["basis_name"] = frame["basis"].map(lambda basis: fmt.basis_name(basis, language))
    leader = frame.iloc[0]
    year = int(leader["year"])
    # st.text, not a metric's label: labels come from the seeds, and a label is never read as Markdown
    st.text(f"{leader['company']} · {year} · {BASIS[leader['basis']][language]}")
    st.metric(t("largest_share", language), f"{fmt.share(leader['share_pct'])}%")
    y = alt.Y("company:N", sort=list(frame["company"]), title=t("company", language), axis=BAR_LABELS)
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("share_pct:Q", title=t("share_of_market_pct", language)),
            color=alt.Color("basis_name:N", scale=basis_scale(language), title=t("basis", language), legend=LEGEND),
            tooltip=[
                alt.Tooltip("company:N", title=t("company", language)),
                alt.Tooltip("shown:N", title=t("share_of_market_pct", language)),
                alt.Tooltip("basis_name:N", title=t("basis", language)),
            ],
        )
    )
    # a bar's label after its bar and its error bar
    frame["label_pct"] = frame[["share_pct", "share_pct_p95"]].max(axis=1)
    share_title = t("share_of_market_pct", language)
    text = bars.mark_text(align="left", dx=4, fontSize=11).encode(
        x=alt.X("label_pct:Q", title=share_title), text="shown:N", color=alt.value("#333")
    )
    chart = (bars + error_bars(frame, y, "share_pct_p05", "share_pct_p95", share_title, True) + text).properties(
        height=bars_height(len(frame)), title=t("companies_chart", language).format(year=year)
    )
    show_chart(chart, "company_shares", language)
    note_bands(frame, frame["company"], "share_pct", "share", "company_share")
    columns: list[fmt.Column] = [
        ("company", "company", "text", False),
        ("year", "year", "year", False),
        ("share_pct", "share_of_market_pct", "share", True),
        ("share_pct", "share_band", "band:share", False),
        ("value_usd", "market_value_bn", "usd_bn", True),
        ("value_usd", "value_band", "band:usd_bn", False),
    ]
    show_table(fmt.table(frame, columns, language), "company_shares", language)
    st.caption(fmt.legend(language))
    st.caption(band_note(language))
    return [*frame["basis"], *frame["basis"]]  # a share and a value per company


# How much of an ISO date each precision shows: 2024-08-28, 2024-08 or 2024.
PRINTED_DATE_LENGTH = {"day": 10, "month": 7, "year": 4}


# the comparisons a cited growth is stated against, in the order of their colours
COMPARISONS = ["year_over_year", "compound_annual", "versus_current_level", "versus_traditional_configuration"]


def figure_name(metric: str, language: str) -> str:
    """A metric id as words in language: data_center_gpu_revenue -> Data-center GPU revenue."""
    words = identifier(metric, language)
    return words[:1].upper() + words[1:]


def in_unit(values: pd.Series, units: pd.Series, language: str) -> tuple[list[str], list[str]]:
    """Cited figures as every page shows a figure of their unit (USD in billions, two decimals; any other
    unit as it is, two decimals at most), and the unit they are then in."""
    pairs = zip(values, units, strict=True)
    shown = [fmt.usd_bn(value) if unit == "USD" else fmt.number(value) for value, unit in pairs]
    named = [t("usd_bn", language) if unit == "USD" else fmt.text(unit) for unit in units]
    return shown, named


def cited(language: str) -> list[str]:
    frame = data.cited_figures()
    frame["published"] = [
        "" if pd.isna(published) else str(published)[: PRINTED_DATE_LENGTH.get(precision, 4)]
        for published, precision in zip(frame["published_on"], frame["date_precision"], strict=True)
    ]
    frame["figure"] = frame["metric"].map(lambda metric: figure_name(metric, language))
    frame["qualifier"] = [identifier(key, language) if isinstance(key, str) else "" for key in frame["value_qualifier"]]
    frame["value_shown"], frame["unit_shown"] = in_unit(frame["value"], frame["unit"], language)
    frame["implied_shown"], _ = in_unit(frame["implied_base_value"], frame["unit"], language)
    frame["name"] = frame["organisation"] + " · " + frame["figure"] + " · " + frame["fiscal_period"]
    # what each growth compares with (year on year, compound annual, ...): the bars are not all alike
    compared = frame["growth_comparison"]
    frame["compared"] = [identifier(key, language) if isinstance(key, str) else "" for key in compared]
    growth = frame[frame["growth_pct"].notna()].copy()
    growth["shown"] = growth["growth_pct"].map(fmt.growth)
    # no axis title: the chart's title says what the bars are, and long labels leave it no room
    y = alt.Y("name:N", sort=list(growth["name"]), title=None, axis=BAR_LABELS)
    bars = (
        alt.Chart(growth)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("growth_pct:Q", title=t("cited_growth_axis", language)),
            # one colour per comparison, by its key, so that it is the same in both languages
            color=alt.Color(
                "compared:N",
                title=t("compared_with", language),
                scale=alt.Scale(
                    domain=[identifier(key, language) for key in COMPARISONS],
                    range=PALETTE[: len(COMPARISONS)],
                ),
                legend={**LEGEND, "columns": 2},  # the comparisons' long names: two to a row fit
            ),
            tooltip=[
                alt.Tooltip("name:N", title=t("figure", language)),
                alt.Tooltip("shown:N", title=t("cited_growth_axis", language)),
                alt.Tooltip("compared:N", title=t("compared_with", language)),
            ],
        )
    )
    text = bars.mark_text(align="left", dx=4, fontSize=11).encode(text="shown:N", color=alt.value("#333"))
    # the legend of comparisons: two rows of two
    chart = (bars + text).properties(
        height=bars_height(len(growth), legend_rows=2), title=t("cited_growth_chart", language)
    )
    show_chart(chart, "cited_growth", language)
    columns: list[fmt.Column] = [
        ("organisation", "organisation", "text", False),
        ("figure", "metric", "text", False),
        ("fiscal_period", "fiscal_period", "text", False),
        ("value_shown", "value", "text", True),
        ("unit_shown", "unit", "text", False),
        ("growth_pct", "growth_stated_pct", "growth", True),
        ("compared", "compared_with", "text", False),
        ("title", "source_title", "text", False),
        ("published", "published_on", "text", False),
        ("publisher", "publisher", "text", False),
        ("qualifier", "qualifier", "text", False),
        ("implied_shown", "implied_base_value", "text", True),
        ("implied_growth_multiple", "implied_growth_multiple", "multiple", True),
    ]
    show_table(fmt.table(frame, columns, language), "cited_figures", language)
    st.caption(fmt.legend(language))
    shown = ["value", "growth_pct", "implied_base_value", "implied_growth_multiple"]
    return [basis for column in shown for basis in frame["basis"][frame[column].notna()]]


def report_tables(language: str) -> list[str]:
    sections = data.report_sections()
    titles = dict(zip(sections["section"], sections["title_en" if language == "en" else "title_zh_hant"], strict=True))
    options = list(sections["section"])
    section = choose(
        st.selectbox, "section", t("section", language), options, options[0], format_func=lambda s: f"{s}  {titles[s]}"
    )
    frame = data.report_table(section)
    st.text(f"{section}  {titles[section]}")  # not a (Markdown) subheader: titles are built from seed labels
    is_value_table = frame["breakdown_id"].iloc[0] == "value"
    measure, kind = ("value_usd", "usd_bn") if is_value_table else ("share_pct", "share")
    frame["row"] = t("total", language) if is_value_table else frame[label_column(language, "member_")].fillna("")
    frame["value_bn"] = frame["value_usd"] / 1e9
    frame["value_bn_p05"], frame["value_bn_p95"] = frame["value_usd_p05"] / 1e9, frame["value_usd_p95"] / 1e9
    frame["label_bn"] = frame[["value_bn", "value_bn_p95"]].max(axis=1)
    frame["shown"] = frame[measure].map(fmt.FORMATS[kind])
    lows, highs = frame[f"{measure}_p05"], frame[f"{measure}_p95"]
    frame["band_shown"] = [fmt.band(low, high, kind) for low, high in zip(lows, highs, strict=True)]
    frame["basis_name"] = frame["basis"].map(lambda basis: fmt.basis_name(basis, language))
    # a share says of what: the market of the table's geography
    geography_name = frame[label_column(language, "geography_")].iloc[0]
    axis_title = (
        t("market_value_bn", language)
        if is_value_table
        else t("share_of_table_pct", language).format(geography=geography_name)
    )
    breakdown_name = frame[label_column(language, "breakdown_")].iloc[0]
    tooltip = [
        alt.Tooltip("row:N", title=t("member", language)),
        alt.Tooltip("year:O", title=t("year", language)),
        alt.Tooltip("shown:N", title=axis_title),
        alt.Tooltip("band_shown:N", title=t("value_band" if is_value_table else "share_band", language)),
        alt.Tooltip("basis_name:N", title=t("basis", language)),
    ]
    if is_value_table:
        bars = (
            alt.Chart(frame)
            .mark_bar()
            .encode(
                x=alt.X("year:O", title=t("year", language), axis=alt.Axis(labelAngle=0)),
                y=alt.Y("value_bn:Q", title=axis_title),
                color=alt.Color("basis_name:N", scale=basis_scale(language), title=t("basis", language), legend=LEGEND),
                tooltip=tooltip,
            )
        )
        text = bars.mark_text(dy=-8, fontSize=11, baseline="bottom").encode(
            y=alt.Y("label_bn:Q", title=axis_title), text="shown:N", color=alt.value("#333")
        )
        year_axis = alt.X("year:O", title=t("year", language), axis=alt.Axis(labelAngle=0))
        chart = bars + error_bars(frame, year_axis, "value_bn_p05", "value_bn_p95", axis_title, False) + text
        height = 380
    else:
        # each member's share over the years, its band shaded around it
        members = frame.drop_duplicates("row")

        color = alt.Color(
            "row:N",
            title=breakdown_name,
            scale=member_scale(members["row"], range(len(members))),
            sort=list(members["row"]),
            legend=LEGEND,
        )

        chart = fan_chart(frame, "share_pct", "", axis_title, color, tooltip, language)
        height = 360 + 24 * -(-len(members) // 3)  # LEGEND's three columns
    show_chart(chart.properties(height=height), f"report_table_{section}", language)
    st.text(axis_title)  # not a (Markdown) caption: it holds the geography's label from a seed
    grid = fmt.laid_out(frame, "row", "year", measure, kind, bands=(f"{measure}_p05", f"{measure}_p95"))
    keyed, value_kind = report_figures_keyed(frame)
    note_bands(keyed, frame["row"] + " · " + frame["year"].astype(str), measure, kind, value_kind)
    grid.index.name = t("member", language)
    event = show_table(grid, f"report_table_{section}", language, index=True, cell_choice=True)
    explain_chosen_cell(frame, grid, event.selection.cells, language)
    if "method" in frame.columns:
        st.caption(t("method_table", language))
        named = frame.assign(method=[identifier(method, language) for method in frame["method"]])
        methods = named.pivot_table(index="row", columns="year", values="method", aggfunc="first", sort=False)
        methods.columns = [str(year) for year in methods.columns]
        methods.index.name = t("member", language)
        show_table(methods.fillna(""), f"report_table_{section}_method", language, index=True)
    st.caption(fmt.legend(language))
    st.caption(band_note(language))
    return list(frame["basis"])  # one figure per cell


def report_figures_keyed(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """A report table's figures with the keys marts.fct_band_exceptions names them by, and what they are
    there: a geography's total or its regions or countries, companies, or a geography's segments."""
    kind = frame["member_kind"].iloc[0]
    if kind == "company":
        return frame.assign(company_id=frame["member_id"]), "company_share"
    if kind == "geography":
        return frame.assign(geography_id=frame["member_id"]), "market_size"
    if kind == "total":
        return frame, "market_size"
    return frame.assign(segment_id=frame["member_id"]), "segment_value"


def explain_chosen_cell(frame: pd.DataFrame, grid: pd.DataFrame, cells: Sequence, language: str) -> None:
    """Under a report table: the figure clicked in it, its basis and method, and every assumption behind
    it with its range, rationale and evidence (from marts.dim_assumption)."""
    chosen = [(grid.index[position], column) for position, column in cells if column in grid.columns]
    if not chosen:
        st.caption(t("click_a_figure", language))
        return
    row, year = chosen[0]
    [cell] = frame[(frame["row"] == row) & (frame["year"].astype(str) == year)].to_dict("records")
    st.text(
        t("figure_explained", language).format(
            row=row,
            year=year,
            figure=cell["shown"],
            basis=fmt.basis_name(cell["basis"], language),
            method=identifier(cell["method"], language) if isinstance(cell.get("method"), str) else "",
        )
    )
    listed = cell.get("assumption_ids")  # null (NaN in the frame) where no assumption is behind the figure
    identifiers = [identifier for identifier in listed.split(";") if identifier] if isinstance(listed, str) else []
    assumptions = data.assumptions(";".join(identifiers)) if identifiers else pd.DataFrame()
    if assumptions.empty:
        st.text(t("no_assumption_behind", language))
        return
    shown = pd.DataFrame(
        {
            t("assumption", language): assumptions[label_column(language)],
            t("base", language): assumptions["base_value_pct"].map(fmt.FORMATS["share"]),
            t("low", language): assumptions["low_value_pct"].map(fmt.FORMATS["share"]),
            t("high", language): assumptions["high_value_pct"].map(fmt.FORMATS["share"]),
            t("rationale", language): assumptions["rationale"],
            t("evidence", language): assumptions["evidence_ids"].str.replace(";", ", "),
        }
    )
    show_table(shown, f"assumptions_{row}_{year}", language)


RENDER: dict[str, Callable[[str], list[str] | None]] = {
    "overview": overview,
    "segments": segments,
    "geography": geography,
    "companies": companies,
    "cited": cited,
    "report_tables": report_tables,
    "evidence": evidence.render,
}


# The kinds of cross-check (marts.fct_cross_checks) that bear on each page's figures: the market's size and
# growth under everything drawn from it, regional shares where regions are shown, company shares on the
# companies page, the cited documents beside the cited figures; the Evidence page lists them all.
MARKET_CHECKS = [
    "company_revenue_vs_market",
    "market_growth_vs_company_growth",
    "report_period_label_vs_span",
    "report_cagr_vs_span",
    "implied_price_per_card",
    "market_size_vs_publisher",
]
PAGE_CHECKS: dict[str, list[str] | None] = {
    "overview": MARKET_CHECKS,
    "segments": MARKET_CHECKS,
    "geography": [*MARKET_CHECKS, "regional_share_vs_publisher"],
    "companies": ["company_share_vs_company_figure", "company_revenue_vs_market"],
    "cited": ["cited_figure_vs_document"],
    "report_tables": [*MARKET_CHECKS, "regional_share_vs_publisher"],
    "evidence": None,  # every kind
}


# how many of the widest bands in view the trust panel lists
WIDEST_BANDS = 3


def band_lines(language: str) -> list[str]:
    """The trust panel's lines on the bands in view: the widest (relative to their figures), the rules
    every run of the simulation held, and how many base-case figures in view lie outside their bands."""
    lines = []
    banded = pd.concat(BANDED, ignore_index=True) if BANDED else pd.DataFrame()
    if not banded.empty:
        banded = banded[[fmt.has_width(p05, p95) for p05, p95 in zip(banded["p05"], banded["p95"], strict=True)]]
    if banded.empty:
        lines.append(t("trust_no_bands", language))
    else:
        banded = banded.assign(width=(banded["p95"] - banded["p05"]) / banded["value"].abs())
        lines.append(t("trust_widest", language))
        for row in banded.nlargest(WIDEST_BANDS, "width").itertuples():
            figure = fmt.FORMATS[row.kind](row.value)
            band = fmt.band(row.p05, row.p95, row.kind)
            lines.append(
                t("trust_band_line", language).format(
                    name=row.name, figure=figure, band=band, width=fmt.growth(100 * row.width)
                )
            )
    checks = data.simulation_checks().set_index("deviation_unit")
    if not checks.empty:
        deviations = checks["max_deviation"]
        lines.append(
            t("trust_simulation", language).format(
                rules=int(checks["rules"].sum()),
                runs=f"{int(checks['runs'].max()):,}",
                points=f"{deviations.get('percentage_points', 0.0):.1e}",
                relative=f"{deviations.get('relative', 0.0):.1e}",
            )
        )
    if BANDED:
        exceptions = data.band_exceptions()
        in_view = set(pd.concat(BANDED)["key"]) if BANDED else set()
        outside = pd.concat(
            [
                rows[figure_keys(rows, value_kind).isin(in_view)]
                for value_kind, rows in exceptions.groupby("value_kind")
                if value_kind in EXCEPTION_KEYS
            ]
            or [exceptions.iloc[0:0]]
        )
        if outside.empty:
            lines.append(t("trust_no_exceptions", language))
        else:
            labels = outside[label_column(language, "assumption_")]
            assumptions = t("item_separator", language).join(sorted(set(labels)))
            lines.append(t("trust_exceptions", language).format(count=len(outside), assumptions=assumptions))
    return lines


def trust_panel(panel: st.delta_generator.DeltaGenerator, page: str, bases: Sequence[str], language: str) -> None:
    """How many figures in view are the report's, derived from it, or assumed; the widest bands in view,
    the rules every run of the simulation held and the base figures outside their bands; and the
    cross-checks that bear on the page with their verdicts."""
    counts = {basis: sum(1 for shown in bases if shown == basis) for basis in BASES}
    verdicts = data.cross_check_verdicts()
    kinds = PAGE_CHECKS.get(page)
    if kinds is not None:
        verdicts = verdicts[verdicts["check_kind"].isin(kinds)]
    with panel.expander(t("trust", language), expanded=True):
        st.text(t("trust_counts", language).format(total=len(bases), **counts) if bases else t("trust_none", language))
        # one text (the figures' names come from the seeds, and text is never read as Markdown)
        st.text("\n".join(band_lines(language)))
        if verdicts.empty:
            return
        by_verdict = verdicts.groupby("verdict")["checks"].sum()
        st.text(
            t("trust_checks", language).format(
                total=int(by_verdict.sum()), **{verdict: int(by_verdict.get(verdict, 0)) for verdict in VERDICTS}
            )
        )
        # one line per kind, in one text (the labels come from a seed, and text is never read as Markdown)
        label = label_column(language, "check_kind_")
        lines = []
        for _, rows in verdicts.groupby("check_kind", sort=False):
            counted = t("list_separator", language).join(
                t("verdict_count", language).format(count=int(row.checks), verdict=VERDICTS[row.verdict][language])
                for row in rows.sort_values("verdict", key=lambda column: column.map(list(VERDICTS).index)).itertuples()
            )
            lines.append(t("trust_check_kind", language).format(kind=rows[label].iloc[0], counts=counted))
        st.text("\n".join(lines))


def main() -> None:
    st.set_page_config(page_title="Accelerator card market", layout="wide")
    CHOSEN.clear()
    BANDED.clear()
    language = choose(st.sidebar.radio, "lang", "Language / 語言", list(LANGUAGES), "en", format_func=LANGUAGES.get)
    page = choose(st.sidebar.radio, "page", t("page", language), PAGES, PAGES[0], format_func=lambda p: t(p, language))
    st.title(t("title", language))
    if not data.is_published():
        st.warning(t("not_published", language))
        return
    st.header(t(page, language))
    panel = st.container()
    try:
        bases = RENDER[page](language)
        if bases is not None:
            trust_panel(panel, page, bases, language)
        info = data.build_info()
    except data.WarehouseBusy:
        st.warning(t("warehouse_busy", language))  # one line for the viewer; data.py logs the details
        return
    finally:
        # the address holds this view's choices, and only those: a link to it reproduces it
        st.query_params.from_dict(CHOSEN)
    if not info.empty:
        st.sidebar.caption(f"{t('built', language)}: {info['built_at_utc'].iloc[0]:%Y-%m-%d %H:%M} UTC")


main()
