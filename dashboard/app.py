"""The accelerator card market dashboard: `make dashboard` serves it on 127.0.0.1.

One page at a time, chosen in the sidebar (or with ?page=... in the address, which the browser test
uses); labels in English or zh-Hant; every figure shown with its basis.
"""

from __future__ import annotations

import sys
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

# the dashboard's modules sit beside this script; the warehouse's path is the project's (scripts/project.py)
sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import data
import evidence
from labels import LANGUAGES, PAGES, basis_mark, t

BASIS_COLOURS = alt.Scale(domain=["reported", "derived", "assumption"], range=["#1f77b4", "#2ca02c", "#ff7f0e"])


def with_marks(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["mark"] = frame["basis"].map(lambda basis: basis_mark(basis, language))
    return frame


def show_table(frame: pd.DataFrame, labels: dict[str, str], language: str) -> None:
    """The given columns of frame, headed by the labels (keys of labels.TEXT) in the chosen language."""
    table = frame[list(labels)].rename(columns={column: t(key, language) for column, key in labels.items()})
    st.dataframe(table, hide_index=True, width="stretch")


def billions(value: float) -> float:
    return round(value / 1e9, 2)


def overview(language: str) -> None:
    market = with_marks(data.global_market(), language)
    by_year = market.set_index("year")
    first, last = int(market["year"].min()), int(market["year"].max())
    base = 2025 if 2025 in by_year.index else first
    # the mart's 2025-2031 CAGR, the same on every row of the geography
    cagr = by_year.loc[last, "forecast_cagr_pct"]
    left, middle, right = st.columns(3)
    base_mark, last_mark = by_year.loc[base, "mark"], by_year.loc[last, "mark"]
    left.metric(f"{t('market_2025', language)} · {base_mark}", f"{billions(by_year.loc[base, 'value_usd']):.2f}")
    middle.metric(f"{t('market_2031', language)} · {last_mark}", f"{billions(by_year.loc[last, 'value_usd']):.2f}")
    right.metric(f"{t('cagr', language)} · {basis_mark('derived', language)}", f"{cagr:.2f}%")
    st.caption(t("headline_note", language))

    market["value_bn"] = market["value_usd"] / 1e9
    market["label"] = market.apply(lambda row: f"{row['value_bn']:.2f}\n{row['mark']}", axis=1)
    bars = (
        alt.Chart(market)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=t("year", language)),
            y=alt.Y("value_bn:Q", title=t("value_bn", language)),
            color=alt.Color("basis:N", scale=BASIS_COLOURS, title=t("basis", language)),
            tooltip=["year", alt.Tooltip("value_bn:Q", format=".2f"), "mark", "source_id"],
        )
    )
    text = bars.mark_text(dy=-16, fontSize=11, lineBreak="\n").encode(text="label:N", color=alt.value("#333"))
    st.altair_chart((bars + text).properties(height=420), width="stretch")
    show_table(
        market,
        {
            "year": "year",
            "value_bn": "value_bn",
            "yoy_growth_pct": "growth_pct",
            "mark": "basis",
            "source_id": "source",
        },
        language,
    )


def label_column(language: str) -> str:
    return "label_en" if language == "en" else "label_zh_hant"


def segments(language: str) -> None:
    geographies = data.geographies()
    dimensions = data.dimensions()
    label = label_column(language)
    left, right = st.columns(2)
    geography = left.selectbox(
        t("geography_label", language),
        geographies["geography_id"],
        format_func=dict(zip(geographies["geography_id"], geographies[label], strict=True)).get,
    )
    dimension_label = "breakdown_label_en" if language == "en" else "breakdown_label_zh_hant"
    dimension = right.selectbox(
        t("dimension", language),
        dimensions["breakdown_id"],
        format_func=dict(zip(dimensions["breakdown_id"], dimensions[dimension_label], strict=True)).get,
    )
    frame = with_marks(data.segment_forecast(geography, dimension), language)
    frame["segment"] = frame[label]
    frame["value_bn"] = frame["value_usd"] / 1e9
    chart = (
        alt.Chart(frame)
        .mark_area()
        .encode(
            x=alt.X("year:O", title=t("year", language)),
            y=alt.Y("value_bn:Q", stack=True, title=t("value_bn", language)),
            color=alt.Color("segment:N", title=t("segment", language)),
            tooltip=[
                "segment",
                "year",
                alt.Tooltip("value_bn:Q", format=".3f"),
                alt.Tooltip("share_pct:Q", format=".1f"),
                "mark",
            ],
        )
        .properties(height=380, title=f"{t('legend', language)}")
    )
    st.altair_chart(chart, width="stretch")
    shares = frame.pivot_table(index="segment", columns="year", values="share_pct", sort=False).round(1)
    shares.columns = [str(year) for year in shares.columns]
    shares.insert(0, t("basis", language), frame.groupby("segment", sort=False)["mark"].first())
    st.dataframe(shares, width="stretch")


def geography(language: str) -> None:
    dimensions = data.dimensions()
    label = label_column(language)
    left, right = st.columns(2)
    year = left.select_slider(t("year", language), options=list(range(2021, 2032)), value=2025)
    options = ["total", *dimensions["breakdown_id"]]
    dimension_label = "breakdown_label_en" if language == "en" else "breakdown_label_zh_hant"
    names = {
        "total": t("total", language),
        **dict(zip(dimensions["breakdown_id"], dimensions[dimension_label], strict=True)),
    }
    dimension = right.selectbox(t("dimension", language), options, format_func=names.get)
    frame = with_marks(data.geography_values(year, None if dimension == "total" else dimension), language)
    frame["geography"] = frame[label]
    frame["segment"] = frame["segment_en" if language == "en" else "segment_zh_hant"]
    frame["value_bn"] = frame["value_usd"] / 1e9
    order = list(dict.fromkeys(frame["geography"]))
    for level in (["region"], ["country", "rest_of_region"]):
        part = frame[frame["geography_level"].isin(level)]
        chart = (
            alt.Chart(part)
            .mark_bar()
            .encode(
                y=alt.Y("geography:N", sort=order, title=t("geography_label", language)),
                x=alt.X("value_bn:Q", title=t("value_bn", language)),
                color=alt.Color("segment:N", title=t("segment", language)),
                tooltip=["geography", "segment", alt.Tooltip("value_bn:Q", format=".3f"), "mark"],
            )
            .properties(height=max(160, 22 * part["geography"].nunique()))
        )
        st.altair_chart(chart, width="stretch")
    show_table(
        frame,
        {
            "geography": "geography_label",
            "segment": "segment",
            "value_bn": "value_bn",
            "share_pct": "share_pct",
            "mark": "basis",
        },
        language,
    )
    st.caption(t("legend", language))


def companies(language: str) -> None:
    frame = with_marks(data.company_shares(), language)
    frame["company"] = frame["label_en" if language == "en" else "label_zh_hant"]
    frame["value_bn"] = frame["value_usd"] / 1e9
    leader = frame.sort_values("share_pct", ascending=False).iloc[0]
    # st.text, not a metric's label: labels come from the seeds, and a label is never read as Markdown
    st.text(f"{leader['company']} · {int(leader['year'])} · {leader['mark']}")
    st.metric(t("largest_share", language), f"{leader['share_pct']:.1f}%")
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("company:N", sort=list(frame["company"]), title=t("company", language)),
            x=alt.X("share_pct:Q", title=t("share_pct", language)),
            color=alt.Color("basis:N", scale=BASIS_COLOURS, title=t("basis", language)),
            tooltip=["company", "share_pct", alt.Tooltip("value_bn:Q", format=".3f"), "mark"],
        )
        .properties(height=360)
    )
    st.altair_chart(chart, width="stretch")
    st.dataframe(
        frame[["company", "year", "share_pct", "value_bn", "mark"]].rename(columns={"mark": t("basis", language)}),
        hide_index=True,
        width="stretch",
    )
    st.caption(t("legend", language))


# How much of an ISO date each precision shows: 2024-08-28, 2024-08 or 2024.
PRINTED_DATE_LENGTH = {"day": 10, "month": 7, "year": 4}


def cited(language: str) -> None:
    frame = with_marks(data.cited_figures(), language)
    frame[t("published_on", language)] = frame.apply(
        lambda row: (
            ""
            if pd.isna(row["published_on"])
            else str(row["published_on"])[: PRINTED_DATE_LENGTH.get(row["date_precision"], 4)]
        ),
        axis=1,
    )
    columns = [
        "organisation",
        "metric",
        "fiscal_period",
        "value",
        "unit",
        "value_qualifier",
        "growth_pct",
        "implied_base_value",
        "implied_growth_multiple",
        "mark",
        "publisher",
        "title",
        t("published_on", language),
    ]
    st.dataframe(frame[columns].rename(columns={"mark": t("basis", language)}), hide_index=True, width="stretch")


def report_tables(language: str) -> None:
    sections = data.report_sections()
    titles = dict(zip(sections["section"], sections["title_en" if language == "en" else "title_zh_hant"], strict=True))
    requested = st.query_params.get("section")
    options = list(sections["section"])
    index = options.index(requested) if requested in options else 0
    section = st.selectbox(t("section", language), options, index=index, format_func=lambda s: f"{s}  {titles[s]}")
    frame = with_marks(data.report_table(section), language)
    st.text(f"{section}  {titles[section]}")  # not a (Markdown) subheader: titles are built from seed labels
    is_value_table = frame["breakdown_id"].iloc[0] == "value"
    measure = "value_usd" if is_value_table else "share_pct"
    frame["row"] = (
        t("total", language)
        if is_value_table
        else frame["member_label_en" if language == "en" else "member_label_zh_hant"]
    )
    frame["figure"] = frame[measure] / 1e9 if is_value_table else frame[measure]
    laid_out = frame.pivot_table(index="row", columns="year", values="figure", sort=False).round(2)
    laid_out.columns = [str(year) for year in laid_out.columns]
    laid_out.insert(0, t("basis", language), frame.groupby("row", sort=False)["mark"].first())
    st.caption(t("value_bn", language) if is_value_table else t("share_pct", language))
    st.dataframe(laid_out, width="stretch")
    csv = frame[
        [
            "section",
            "member_kind",
            "member_id",
            "member_label_en",
            "year",
            "value_usd",
            "share_pct",
            "basis",
            "source_id",
        ]
    ]
    st.download_button(
        t("download", language),
        csv.to_csv(index=False).encode("utf-8"),
        file_name=f"report_table_{section}.csv",
        mime="text/csv",
    )
    st.caption(t("legend", language))


RENDER = {
    "overview": overview,
    "segments": segments,
    "geography": geography,
    "companies": companies,
    "cited": cited,
    "report_tables": report_tables,
    "evidence": evidence.render,
}


def main() -> None:
    st.set_page_config(page_title="Accelerator card market", layout="wide")
    requested_language = st.query_params.get("lang", "en")
    language = st.sidebar.radio(
        "Language / 語言",
        list(LANGUAGES),
        index=list(LANGUAGES).index(requested_language) if requested_language in LANGUAGES else 0,
        format_func=LANGUAGES.get,
        key="language",
    )
    requested_page = st.query_params.get("page", PAGES[0])
    page = st.sidebar.radio(
        t("page", language),
        PAGES,
        index=PAGES.index(requested_page) if requested_page in PAGES else 0,
        format_func=lambda p: t(p, language),
        key="page",
    )
    st.title(t("title", language))
    if not data.is_published():
        st.warning(t("not_published", language))
        return
    st.header(t(page, language))
    try:
        RENDER[page](language)
        info = data.build_info()
    except data.WarehouseBusy:
        st.warning(t("warehouse_busy", language))  # one line for the viewer; data.py logs the details
        return
    if not info.empty:
        st.sidebar.caption(f"{t('built', language)}: {info['built_at_utc'].iloc[0]:%Y-%m-%d %H:%M} UTC")


main()
