"""The Evidence page: the report beside every other publisher, and its cross-checks with their verdicts.

Everything shown is read from the marts (fct_external_estimates, fct_cross_checks); the page computes
no figure of its own, only the units it shows them in. Text from the seeds (labels, explanations) is
shown as text or in tables, never as Markdown.
"""

from __future__ import annotations

import altair as alt
import data
import formatting as fmt
import pandas as pd
import streamlit as st
from labels import t
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
        "en": "The report's whole {year} market (USD {market:.2f} bn, {basis}) is {pct:.0f}% of one company's "
        "revenue in one fiscal period alone: {label}, USD {company:.1f} bn. Of {total} cross-checks, "
        "{inconsistent} are inconsistent and {mismatch} are scope mismatches.",
        "zh-Hant": "報告的 {year} 年整體市場（{market:.2f} 十億美元，{basis}）"
        "僅為單一公司單一會計期間營收的 {pct:.0f}%：{label}，{company:.1f} 十億美元。"
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
}

VERDICTS = {
    "consistent": {"en": "consistent", "zh-Hant": "一致"},
    "inconsistent": {"en": "INCONSISTENT", "zh-Hant": "不一致"},
    "scope_mismatch": {"en": "SCOPE MISMATCH", "zh-Hant": "範圍不符"},
}
VERDICT_COLOURS = {"inconsistent": "#fde2e1", "scope_mismatch": "#fff1cc"}
# one colour per scope class, the report's own (accelerator cards) the strongest, whatever the language
SCOPE_COLOURS = ["#d62728", "#1f77b4", "#9467bd", "#2ca02c", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"]

SCOPES = {
    "accelerator_cards": {"en": "accelerator cards", "zh-Hant": "加速卡"},
    "ai_accelerators": {"en": "AI accelerators", "zh-Hant": "AI 加速器"},
    "data_center_accelerators": {"en": "data-center accelerators", "zh-Hant": "資料中心加速器"},
    "data_center_gpus": {"en": "data-center GPUs", "zh-Hant": "資料中心 GPU"},
    "ai_chips": {"en": "AI chips", "zh-Hant": "AI 晶片"},
    "ai_semiconductors": {"en": "AI semiconductors", "zh-Hant": "AI 半導體"},
    "accelerated_servers": {"en": "accelerated servers", "zh-Hant": "加速伺服器"},
    "accelerated_capex": {"en": "accelerated-computing capex", "zh-Hant": "加速運算資本支出"},
}

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
        select check_id, check_kind, check_kind_sort_order, subject, year, description_en, description_zh_hant,
            left_figure, left_unit, left_label, left_basis, right_figure, right_unit, right_label, right_basis,
            ratio, verdict, explanation
        from marts.fct_cross_checks
        order by check_kind_sort_order, check_id
        """
    )


def in_display_unit(value: float, unit: str) -> float:
    """USD figures in billions, as everywhere on the dashboard; every other unit as it is."""
    return value / 1e9 if unit == "USD" else value


def display_unit(unit: str) -> str:
    return "USD bn" if unit == "USD" else unit


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
            market=row["right_figure"] / 1e9,
            basis=BASES[row["right_basis"]][language],
            pct=100 / row["ratio"],
            label=row["left_label"],
            company=row["left_figure"] / 1e9,
            total=len(checks),
            inconsistent=int(counts.get("inconsistent", 0)),
            mismatch=int(counts.get("scope_mismatch", 0)),
        )
    )


def scope_scale(language: str) -> alt.Scale:
    return alt.Scale(domain=[SCOPES[scope][language] for scope in SCOPES], range=SCOPE_COLOURS)


def chart(paths: pd.DataFrame, language: str) -> None:
    paths = paths.copy()
    paths["value_bn"] = paths["value_usd"] / 1e9
    paths["scope"] = paths["scope_class"].map(lambda scope: SCOPES[scope][language])
    paths["is_stated"] = paths["basis"] == "reported"
    base = alt.Chart(paths).encode(
        x=alt.X("year:O", title=t("year", language)),
        y=alt.Y("value_bn:Q", scale=alt.Scale(type="log"), title=t("value_bn", language)),
        color=alt.Color(
            "scope:N",
            title=say("scope", language),
            scale=scope_scale(language),
            legend=alt.Legend(orient="bottom", columns=4),
        ),
        detail="estimate_path_id:N",
        tooltip=[
            "publisher",
            "market_name",
            "scope",
            "year",
            alt.Tooltip("value_bn:Q", format=".2f"),
            "basis",
            "method",
        ],
    )
    lines = base.mark_line(opacity=0.6).encode(
        strokeWidth=alt.condition("datum.is_report", alt.value(4), alt.value(1.5)),
    )
    stated = base.mark_point(size=45, filled=True).transform_filter("datum.is_stated")
    derived = base.mark_point(size=35, filled=False).transform_filter("!datum.is_stated")
    last = paths.sort_values("year").groupby("estimate_path_id").tail(1)
    names = alt.Chart(last).encode(
        x="year:O",
        y=alt.Y("value_bn:Q", scale=alt.Scale(type="log")),
        text="publisher:N",
        color=alt.Color("scope:N", scale=scope_scale(language)),
    )
    others = names.mark_text(align="left", dx=6, fontSize=10).transform_filter("!datum.is_report")
    report = names.mark_text(align="left", dx=6, fontSize=12, fontWeight="bold").transform_filter("datum.is_report")
    st.text(say("evidence_chart", language))
    show_chart((lines + stated + derived + others + report).properties(height=560), "evidence_publishers", language)


def figure(value: float, unit: str, basis: str) -> str:
    """A check's figure in the unit it is shown in, three significant places, marked with its basis."""
    shown = in_display_unit(value, unit)
    return fmt.marked(f"{shown:,.3g}" if abs(shown) < 1000 else f"{shown:,.0f}", basis)


def checks_table(checks: pd.DataFrame, language: str) -> None:
    """Every check, its two figures each marked with its basis; the inconsistent and scope-mismatched first
    within each kind, as the verdict column says (the table is text, so its CSV is what is shown)."""
    description = "description_en" if language == "en" else "description_zh_hant"
    table = pd.DataFrame(
        {
            say("kind", language): checks["check_kind"],
            say("subject", language): checks["subject"],
            say("left", language): checks["left_label"],
            say("left_value", language): [
                figure(v, u, b)
                for v, u, b in zip(checks["left_figure"], checks["left_unit"], checks["left_basis"], strict=True)
            ],
            say("right", language): checks["right_label"],
            say("right_value", language): [
                figure(v, u, b)
                for v, u, b in zip(checks["right_figure"], checks["right_unit"], checks["right_basis"], strict=True)
            ],
            say("unit", language): checks["left_unit"].map(display_unit),
            say("ratio", language): checks["ratio"].map(lambda ratio: f"{ratio:,.3g}×" if pd.notna(ratio) else ""),
            say("verdict", language): checks["verdict"].map(lambda verdict: VERDICTS[verdict][language]),
            say("explanation", language): checks["explanation"].fillna(""),
            say("description", language): checks[description].fillna(""),
        }
    ).reset_index(drop=True)
    st.text(say("checks_table", language))
    shading = [VERDICT_COLOURS.get(verdict, "") for verdict in checks["verdict"]]
    show_table(table, "cross_checks", language, row_colours=shading)


def summary(checks: pd.DataFrame, language: str) -> None:
    counts = (
        checks.assign(verdict=checks["verdict"].map(lambda verdict: VERDICTS[verdict][language]))
        .pivot_table(
            index="check_kind", columns="verdict", values="check_id", aggfunc="count", fill_value=0, sort=False
        )
        .astype(str)
        .reset_index()
        .rename(columns={"check_kind": say("kind", language)})
    )
    counts.columns.name = None
    st.text(say("verdict_summary", language))
    show_table(counts, "cross_check_verdicts", language)


def render(language: str) -> list[str]:
    checks = cross_checks()
    paths = external_paths()
    headline(checks, language)
    chart(paths, language)
    summary(checks, language)
    checks_table(checks, language)
    # the figures in view: every point of the chart and both figures of every check
    return [*paths["basis"], *checks["left_basis"], *checks["right_basis"]]
