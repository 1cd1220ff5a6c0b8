"""The Evidence page: the report beside every other publisher, and its cross-checks with their verdicts.

Everything shown is read from the marts (fct_external_estimates, fct_cross_checks); the page computes
no figure of its own, only the units it shows them in. Text from the seeds (labels, explanations) is
shown as text or in tables, never as Markdown.
"""

from __future__ import annotations

import re

import altair as alt
import data
import formatting as fmt
import numpy as np
import pandas as pd
import streamlit as st
from labels import VERDICTS, identifier, readable, t
from widgets import show_chart, show_table

TEXT = {
    "evidence_chart": {
        "en": "The report beside every other publisher (USD bn, log scale; filled points as stated, hollow as "
        "derived at the publisher's own CAGR)",
        "zh-Hant": "本報告與其他出版者之市場規模並列（十億美元，對數刻度；"
        "實心點為出版者所載，空心點依其複合年成長率推算）",
    },
    "checks_table": {"en": "Cross-checks and their verdicts", "zh-Hant": "交叉核對及其判定"},
    "verdict_summary": {"en": "Verdicts by kind of check", "zh-Hant": "各類核對之判定數"},
    "headline": {
        "en": "The report's whole {year} market (USD {market} bn, {basis}) is {pct}% of one company's "
        "revenue in one fiscal period alone: {label}, USD {company} bn. Of {total} cross-checks, "
        "{inconsistent} are inconsistent and {mismatch} are scope mismatches.",
        "zh-Hant": "報告的 {year} 年整體市場（{market} 十億美元，{basis}）"
        "僅為單一公司單一會計期間營收的 {pct}%：{label}，{company} 十億美元。"
        "{total} 項交叉核對中，{inconsistent} 項不一致，{mismatch} 項範圍不符。",
    },
    "publisher": {"en": "Publisher", "zh-Hant": "出版者"},
    "market": {"en": "Market as named", "zh-Hant": "市場名稱"},
    "scope": {"en": "Scope", "zh-Hant": "範圍"},
    "method": {"en": "Method", "zh-Hant": "方法"},
    "kind": {"en": "Check", "zh-Hant": "核對"},
    "subject": {"en": "About", "zh-Hant": "對象"},
    "left": {"en": "Figure checked", "zh-Hant": "受檢數據"},
    "left_value": {"en": "Value", "zh-Hant": "數值"},
    "right": {"en": "Checked against", "zh-Hant": "對照數據"},
    "right_value": {"en": "Against", "zh-Hant": "對照數值"},
    "unit": {"en": "Unit", "zh-Hant": "單位"},
    "ratio": {"en": "Ratio", "zh-Hant": "比率"},
    "verdict": {"en": "Verdict", "zh-Hant": "判定"},
    "explanation": {"en": "Why", "zh-Hant": "說明"},
    "count": {"en": "Checks", "zh-Hant": "項數"},
    "description": {"en": "What the check compares", "zh-Hant": "核對內容"},
    "market_name": {"en": "Market as the publisher names it", "zh-Hant": "出版者所稱市場"},
    "value_bn": {"en": "Value (USD bn)", "zh-Hant": "金額（十億美元）"},
    "basis": {"en": "Basis", "zh-Hant": "依據"},
}

# How a check's unit reads beside its figures (USD figures are shown in billions, as on every page).
UNITS = {
    "USD": {"en": "USD bn", "zh-Hant": "十億美元"},
    "percent": {"en": "%", "zh-Hant": "%"},
    "years": {"en": "years", "zh-Hant": "年"},
    "USD per card": {"en": "USD per card", "zh-Hant": "美元／張"},
}


def verdict_name(verdict: str, language: str) -> str:
    """A verdict as a cell or a header shows it: in sentence case, like every other one on the page."""
    word = VERDICTS[verdict][language]
    return word[:1].upper() + word[1:]


VERDICT_COLOURS = {"inconsistent": "#fde2e1", "scope_mismatch": "#fff1cc"}
# one colour per scope class, the report's own (accelerator cards) the strongest, whatever the language
SCOPE_COLOURS = ["#d62728", "#1f77b4", "#9467bd", "#2ca02c", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"]

# the scope classes in the order of SCOPE_COLOURS; their words are labels.IDENTIFIERS'
SCOPES = [
    "accelerator_cards",
    "ai_accelerators",
    "data_center_accelerators",
    "data_center_gpus",
    "ai_chips",
    "ai_semiconductors",
    "accelerated_servers",
    "accelerated_capex",
]

BASES = {
    "reported": {"en": "reported", "zh-Hant": "報告數據"},
    "derived": {"en": "derived", "zh-Hant": "推算"},
    "assumption": {"en": "assumption †", "zh-Hant": "假設 †"},
}


def say(key: str, language: str) -> str:
    return TEXT[key][language]


def external_paths() -> pd.DataFrame:
    """Every publisher's whole-market path on the report's axis, the report's own among them."""
    return data.read(
        """
        select estimate_path_id, publisher, market_name, scope_class, year, value_usd, basis, method,
            is_report, url
        from marts.fct_external_estimates
        where geography = 'global' and breakdown = 'total' and period_label is null
        order by is_report, publisher, year
        """
    )


def cross_checks() -> pd.DataFrame:
    return data.read(
        """
        select check_id, check_kind, check_kind_sort_order, check_kind_label_en, check_kind_label_zh_hant, subject,
            year, description_en, description_zh_hant, left_figure, left_unit, left_label, left_basis, right_figure,
            right_unit, right_label, right_basis, ratio, verdict, explanation, explanation_zh_hant
        from marts.fct_cross_checks
        order by check_kind_sort_order, check_id
        """
    )


def display_unit(unit: str, language: str) -> str:
    return UNITS[unit][language] if unit in UNITS else unit


def kind_label(language: str) -> str:
    return "check_kind_label_en" if language == "en" else "check_kind_label_zh_hant"


def headline(checks: pd.DataFrame, language: str) -> None:
    """The report's market in a year it states against one company's revenue in one fiscal period: for each
    company the smallest of its figures that alone exceeds the market, and of those the furthest above it.
    The figures are the cross-check's own."""
    exceeding = checks[
        (checks["check_kind"] == "company_revenue_vs_market")
        & (checks["verdict"] == "scope_mismatch")
        & (checks["right_basis"] == "reported")
    ]
    counts = checks["verdict"].value_counts()
    if exceeding.empty:
        return
    smallest = exceeding.sort_values("left_figure").groupby("subject").head(1)
    row = smallest.sort_values("ratio", ascending=False).iloc[0]
    st.text(
        say("headline", language).format(
            year=int(row["year"]),
            market=fmt.usd_bn(row["right_figure"]),
            basis=BASES[row["right_basis"]][language],
            pct=fmt.share(100 / row["ratio"]),  # a share, shown as every share is
            label=readable(row["left_label"], language),
            company=fmt.usd_bn(row["left_figure"]),
            total=len(checks),
            inconsistent=int(counts.get("inconsistent", 0)),
            mismatch=int(counts.get("scope_mismatch", 0)),
        )
    )


def scope_scale(language: str) -> alt.Scale:
    return alt.Scale(domain=[identifier(scope, language) for scope in SCOPES], range=SCOPE_COLOURS)


# How far apart (in decades of the log axis) two names at the end of the paths must be not to overlap: a
# line of 10-pixel text on the chart's 560 pixels, about 120 a decade.
NAME_GAP_DECADES = 0.1


def apart(years: pd.Series, values_bn: pd.Series) -> list[float]:
    """Where each path's name goes: at its last value, moved up just enough that no two names ending in the
    same year overlap (Vega-Lite places text where it is told, overlapping or not)."""
    placed = pd.Series(np.log10(values_bn.to_numpy(dtype=float)), index=values_bn.index)
    for _, group in placed.groupby(years.to_numpy()):
        floor = -np.inf
        for position, height in group.sort_values().items():
            placed[position] = floor = max(height, floor + NAME_GAP_DECADES)
    return list(10**placed)


# Built once per published file and language (its identity is the cache's key): Altair takes most of this
# page's time building and validating a chart of some 300 points in five layers.
@st.cache_data(show_spinner=False, max_entries=8)
def chart_spec(version: tuple[int, int], language: str) -> dict:
    """The Vega-Lite spec of the publishers' chart in language, for the published file of that version."""
    paths = external_paths().copy()
    paths["value_bn"] = paths["value_usd"] / 1e9
    paths["scope"] = paths["scope_class"].map(lambda scope: identifier(scope, language))
    paths["is_stated"] = paths["basis"] == "reported"
    paths["shown"] = paths["value_usd"].map(fmt.usd_bn)
    paths["basis_name"] = paths["basis"].map(lambda basis: fmt.basis_name(basis, language))
    paths["method_name"] = paths["method"].map(lambda method: identifier(method, language))
    base = alt.Chart(paths).encode(
        x=alt.X("year:O", title=t("year", language), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value_bn:Q", scale=alt.Scale(type="log"), title=t("market_value_bn", language)),
        color=alt.Color(
            "scope:N",
            title=say("scope", language),
            scale=scope_scale(language),
            legend=alt.Legend(orient="bottom", columns=4, labelLimit=0, titleLimit=0),
        ),
        detail="estimate_path_id:N",
        tooltip=[
            alt.Tooltip("publisher:N", title=say("publisher", language)),
            alt.Tooltip("market_name:N", title=say("market_name", language)),
            alt.Tooltip("scope:N", title=say("scope", language)),
            alt.Tooltip("year:O", title=t("year", language)),
            alt.Tooltip("shown:N", title=say("value_bn", language)),
            alt.Tooltip("basis_name:N", title=say("basis", language)),
            alt.Tooltip("method_name:N", title=say("method", language)),
        ],
    )
    lines = base.mark_line(opacity=0.6).encode(
        strokeWidth=alt.condition("datum.is_report", alt.value(4), alt.value(1.5)),
    )
    stated = base.mark_point(size=45, filled=True).transform_filter("datum.is_stated")
    derived = base.mark_point(size=35, filled=False).transform_filter("!datum.is_stated")
    last = paths.sort_values("year").groupby("estimate_path_id").tail(1)
    last = last.assign(label_bn=apart(last["year"], last["value_bn"]))
    names = alt.Chart(last).encode(
        x="year:O",
        y=alt.Y("label_bn:Q", scale=alt.Scale(type="log")),
        text="publisher:N",
        color=alt.Color("scope:N", scale=scope_scale(language)),
    )
    others = names.mark_text(align="left", dx=6, fontSize=10).transform_filter("!datum.is_report")
    report = names.mark_text(align="left", dx=6, fontSize=12, fontWeight="bold").transform_filter("datum.is_report")
    # not validated here, on every first view of a page: test_dashboard validates it against Vega-Lite's schema
    return (lines + stated + derived + others + report).properties(height=560).to_dict(validate=False)


def chart(language: str) -> None:
    st.text(say("evidence_chart", language))
    show_chart(chart_spec(data.version(), language), "evidence_publishers", language)


# a check's figure as every page shows a figure of its unit: USD in billions to two decimals, percentages
# to one, a count of years whole, any other unit to two decimals at most
FIGURE_FORMATS = {"USD": fmt.usd_bn, "percent": fmt.growth, "years": lambda value: fmt.fixed(value, 0)}


def figure(value: float, unit: str, basis: str) -> str:
    """A check's figure in the unit it is shown in, marked with its basis."""
    return fmt.marked(FIGURE_FORMATS.get(unit, fmt.number)(value), basis)


def in_words(labels: pd.Series, language: str) -> list[str]:
    """A check's labels as the page's language reads them: identifiers as words, and in zh-Hant a region's
    share named by the region's zh-Hant label (marts.dim_geography), not its English one."""
    geographies = data.geographies()
    names = dict(zip(geographies["label_en"], geographies[label_column(language)], strict=True))
    shares = re.compile(r"^(" + "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True)) + ") share")
    return [readable(shares.sub(lambda match: f"{names[match.group(1)]} share", label), language) for label in labels]


def label_column(language: str) -> str:
    return "label_en" if language == "en" else "label_zh_hant"


def checks_table(checks: pd.DataFrame, language: str) -> None:
    """Every check, its two figures each marked with its basis; the inconsistent and scope-mismatched first
    within each kind, as the verdict column says (the table is text, so its CSV is what is shown)."""
    description = "description_en" if language == "en" else "description_zh_hant"
    explanation = "explanation" if language == "en" else "explanation_zh_hant"
    table = pd.DataFrame(
        {
            say("kind", language): checks[kind_label(language)],
            say("subject", language): checks["subject"],
            say("left", language): in_words(checks["left_label"], language),
            say("left_value", language): [
                figure(v, u, b)
                for v, u, b in zip(checks["left_figure"], checks["left_unit"], checks["left_basis"], strict=True)
            ],
            say("right", language): in_words(checks["right_label"], language),
            say("right_value", language): [
                figure(v, u, b)
                for v, u, b in zip(checks["right_figure"], checks["right_unit"], checks["right_basis"], strict=True)
            ],
            say("unit", language): checks["left_unit"].map(lambda unit: display_unit(unit, language)),
            say("ratio", language): checks["ratio"].map(fmt.multiple),
            say("verdict", language): checks["verdict"].map(lambda verdict: verdict_name(verdict, language)),
            say("explanation", language): checks[explanation].fillna(""),
            say("description", language): checks[description].fillna(""),
        }
    ).reset_index(drop=True)
    st.text(say("checks_table", language))
    shading = [VERDICT_COLOURS.get(verdict, "") for verdict in checks["verdict"]]  # one per row
    show_table(table, "cross_checks", language, row_colours=shading)


def summary(checks: pd.DataFrame, language: str) -> None:
    counts = (
        checks.assign(verdict=checks["verdict"].map(lambda verdict: verdict_name(verdict, language)))
        .pivot_table(
            index=kind_label(language), columns="verdict", values="check_id", aggfunc="count", fill_value=0, sort=False
        )
        .reindex(columns=[verdict_name(verdict, language) for verdict in VERDICTS], fill_value=0)
        .astype(str)
        .reset_index()
        .rename(columns={kind_label(language): say("kind", language)})
    )
    counts.columns.name = None
    st.text(say("verdict_summary", language))
    show_table(counts, "cross_check_verdicts", language)


def render(language: str) -> list[str]:
    checks = cross_checks()
    paths = external_paths()
    headline(checks, language)
    chart(language)
    summary(checks, language)
    checks_table(checks, language)
    # the figures in view: every point of the chart and both figures of every check
    return [*paths["basis"], *checks["left_basis"], *checks["right_basis"]]
