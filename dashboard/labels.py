"""The dashboard's words in the report's two languages, and the mark every figure carries."""

from __future__ import annotations

import re

LANGUAGES = {"en": "English", "zh-Hant": "繁體中文"}

TEXT = {
    "title": {"en": "Accelerator card market, 2021-2031", "zh-Hant": "加速卡市場，2021-2031年"},
    "language": {"en": "Language", "zh-Hant": "語言"},
    "page": {"en": "Page", "zh-Hant": "頁面"},
    "overview": {"en": "Overview", "zh-Hant": "總覽"},
    "segments": {"en": "Segments", "zh-Hant": "細分市場"},
    "geography": {"en": "Geography", "zh-Hant": "地區"},
    "companies": {"en": "Companies", "zh-Hant": "公司"},
    "cited": {"en": "Cited figures", "zh-Hant": "引用數據"},
    "report_tables": {"en": "Report tables", "zh-Hant": "報告表格"},
    "evidence": {"en": "Evidence", "zh-Hant": "佐證"},
    "market_2025": {"en": "Market size 2025 (USD bn)", "zh-Hant": "2025年市場規模（十億美元）"},
    "market_2031": {"en": "Market size 2031 (USD bn)", "zh-Hant": "2031年市場規模（十億美元）"},
    "cagr": {"en": "CAGR 2025-2031", "zh-Hant": "複合年成長率 2025-2031"},
    "year": {"en": "Year", "zh-Hant": "年份"},
    "value_bn": {"en": "Value (USD bn)", "zh-Hant": "金額（十億美元）"},
    "share_pct": {"en": "Share (%)", "zh-Hant": "佔有率（%）"},
    "growth_pct": {"en": "Growth y/y (%)", "zh-Hant": "年成長率（%）"},
    "cagr_pct": {"en": "CAGR 2025-2031 (%)", "zh-Hant": "複合年成長率 2025-2031（%）"},
    "basis": {"en": "Basis", "zh-Hant": "依據"},
    "segment": {"en": "Segment", "zh-Hant": "細分"},
    "geography_label": {"en": "Geography", "zh-Hant": "地區"},
    "dimension": {"en": "Breakdown", "zh-Hant": "分類"},
    "total": {"en": "Total market", "zh-Hant": "市場總額"},
    "company": {"en": "Company", "zh-Hant": "公司"},
    "largest_share": {"en": "Largest company share", "zh-Hant": "最大公司佔有率"},
    "section": {"en": "Report section", "zh-Hant": "報告章節"},
    "download": {"en": "Download CSV", "zh-Hant": "下載 CSV"},
    "source": {"en": "Source", "zh-Hant": "來源"},
    "published_on": {"en": "Published", "zh-Hant": "出版日期"},
    "not_published": {
        "en": "No published warehouse yet: run `make build`.",
        "zh-Hant": "尚未發布資料倉儲：請執行 `make build`。",
    },
    "warehouse_busy": {
        "en": "Another program is writing the warehouse right now: reload this page in a moment.",
        "zh-Hant": "另一個程式正在寫入資料倉儲：請稍後重新載入本頁。",
    },
    "legend": {
        "en": "● reported: stated by the report · ○ derived: computed from reported figures · "
        "† assumption: this warehouse's estimate, not a figure of the report",
        "zh-Hant": "● 報告數據：報告所載 · ○ 推算：由報告數據計算 · † 假設：本資料倉儲之估計，非報告數據",
    },
    "market_value_bn": {"en": "Market value (USD bn)", "zh-Hant": "市場規模（十億美元）"},
    "segment_value_bn": {"en": "Segment value (USD bn)", "zh-Hant": "細分市場規模（十億美元）"},
    "share_of_parent_pct": {"en": "Share of parent geography (%)", "zh-Hant": "佔上層地區比重（%）"},
    "share_of_geography_pct": {"en": "Share of the geography's market (%)", "zh-Hant": "佔該地區市場比重（%）"},
    "share_of_market_pct": {"en": "Share of the global market (%)", "zh-Hant": "佔全球市場比重（%）"},
    "share_of_table_pct": {"en": "Share of the {geography} market (%)", "zh-Hant": "佔{geography}市場比重（%）"},
    "cited_growth_axis": {
        "en": "Growth as stated (%), against what its colour says",
        "zh-Hant": "所載成長率（%），比較基準依顏色",
    },
    "compared_with": {"en": "Compared with", "zh-Hant": "比較基準"},
    "growth_stated_pct": {"en": "Growth as stated (%)", "zh-Hant": "所載成長率（%）"},
    "parent": {"en": "Parent geography", "zh-Hant": "上層地區"},
    "region": {"en": "Region", "zh-Hant": "區域"},
    "country_in_region": {"en": "Country (grouped by region)", "zh-Hant": "國家（依區域分組）"},
    "regions_chart": {"en": "Regions by market value, {year}", "zh-Hant": "{year}年各區域市場規模"},
    "countries_chart": {"en": "Countries by market value, {year}", "zh-Hant": "{year}年各國市場規模"},
    "member": {"en": "Row", "zh-Hant": "項目"},
    "organisation": {"en": "Organisation", "zh-Hant": "機構"},
    "metric": {"en": "Figure", "zh-Hant": "數據"},
    "fiscal_period": {"en": "Period", "zh-Hant": "期間"},
    "value": {"en": "Value", "zh-Hant": "數值"},
    "unit": {"en": "Unit", "zh-Hant": "單位"},
    "usd_bn": {"en": "USD bn", "zh-Hant": "十億美元"},
    "qualifier": {"en": "Qualifier", "zh-Hant": "限定"},
    "implied_base_value": {"en": "Implied base value", "zh-Hant": "推算基期數值"},
    "implied_growth_multiple": {"en": "Implied growth multiple", "zh-Hant": "推算成長倍數"},
    "publisher": {"en": "Publisher", "zh-Hant": "出版者"},
    "source_title": {"en": "Source document", "zh-Hant": "來源文件"},
    "cited_growth_chart": {"en": "Growth rates the report cites (%)", "zh-Hant": "報告引用之成長率（%）"},
    "figure": {"en": "Figure", "zh-Hant": "數據"},
    "download_png": {"en": "Chart as PNG", "zh-Hant": "圖表 PNG"},
    "download_svg": {"en": "Chart as SVG", "zh-Hant": "圖表 SVG"},
    "method": {"en": "Method", "zh-Hant": "方法"},
    "method_table": {"en": "How each figure was made", "zh-Hant": "各數據之計算方法"},
    "click_a_figure": {
        "en": "Click a figure in the table to see the assumptions behind it, their ranges, rationales and evidence.",
        "zh-Hant": "點選表中任一數據，即可查看其背後的假設、範圍、理由與佐證。",
    },
    "figure_explained": {
        "en": "{row}, {year}: {figure} ({basis}; method: {method})",
        "zh-Hant": "{row}，{year}年：{figure}（{basis}；計算方法：{method}）",
    },
    "no_assumption_behind": {
        "en": "No assumption is behind this figure: it rests on the report's own figures.",
        "zh-Hant": "此數據背後沒有任何假設：完全依據報告本身的數據。",
    },
    "assumption": {"en": "Assumption", "zh-Hant": "假設"},
    "base": {"en": "Base (%)", "zh-Hant": "基準值（%）"},
    "low": {"en": "Low (%)", "zh-Hant": "下限（%）"},
    "high": {"en": "High (%)", "zh-Hant": "上限（%）"},
    "rationale": {"en": "Rationale", "zh-Hant": "理由"},
    "trust": {"en": "How much to trust this page", "zh-Hant": "本頁數據的可信程度"},
    "trust_counts": {
        "en": "Of the {total} figures in view: {reported} reported by the report ●, {derived} derived from "
        "reported figures ○, {assumption} assumed by this warehouse †.",
        "zh-Hant": "本頁 {total} 項數據中：{reported} 項為報告數據 ●，{derived} 項由報告數據推算 ○，"
        "{assumption} 項為本資料倉儲之假設 †。",
    },
    "trust_none": {"en": "No figures in view.", "zh-Hant": "本頁沒有數據。"},
    "trust_check_kind": {"en": "· {kind}: {counts}", "zh-Hant": "· {kind}：{counts}"},
    "list_separator": {"en": ", ", "zh-Hant": "，"},
    # between items that hold commas themselves
    "item_separator": {"en": "; ", "zh-Hant": "；"},
    "verdict_count": {"en": "{count} {verdict}", "zh-Hant": "{count} 項{verdict}"},
    "trust_checks": {
        "en": "Cross-checks against the public record that bear on this page: {total} ({consistent} consistent, "
        "{inconsistent} inconsistent, {scope_mismatch} scope mismatch; every check on the Evidence page).",
        "zh-Hant": "與本頁相關之公開資料交叉核對：{total} 項（{consistent} 項一致，{inconsistent} 項不一致，"
        "{scope_mismatch} 項範圍不符；各項核對見「佐證」頁）。",
    },
    "segments_chart": {
        "en": "{geography}, {breakdown} (USD bn)",
        "zh-Hant": "{geography}，{breakdown}（十億美元）",
    },
    "market_chart": {"en": "Global market by year (USD bn)", "zh-Hant": "全球市場規模（十億美元）"},
    "companies_chart": {
        "en": "Company shares of the global market, {year} (%)",
        "zh-Hant": "{year}年公司全球市佔率（%）",
    },
    "built": {"en": "Published build", "zh-Hant": "已發布版本"},
    "band_note": {
        "en": "Bands (shaded, error bars, ranges in brackets): 5-95% of {draws} draws of the assumptions; "
        "a figure the report states, or derives from stated figures alone, has none.",
        "zh-Hant": "區間（陰影、誤差線、括號內範圍）：假設之 {draws} 次抽樣的 5-95%；"
        "報告所載之數據及僅由其推算之數據沒有區間。",
    },
    "value_band": {"en": "Value 5-95% (USD bn)", "zh-Hant": "金額 5-95%（十億美元）"},
    "share_band": {"en": "Share 5-95% (%)", "zh-Hant": "比重 5-95%（%）"},
    "scenario": {"en": "Scenario", "zh-Hant": "情境"},
    "base_case_bn": {"en": "Base case (USD bn)", "zh-Hant": "基準情境（十億美元）"},
    "change_from_base_pct": {"en": "Change from the base case (%)", "zh-Hant": "相對基準情境變動（%）"},
    "scenario_note": {
        "en": "Scenario «{scenario}»: one run of the model with its assumptions at the ends of their ranges; "
        "dashed lines and ticks mark the base case.",
        "zh-Hant": "情境「{scenario}」：將其假設移至區間一端之單次模型運算；虛線與短橫線標示基準情境。",
    },
    "trust_widest": {
        "en": "Widest bands in view (5-95% width relative to the figure):",
        "zh-Hant": "本頁最寬之區間（5-95% 寬度相對於數據）：",
    },
    "trust_band_line": {
        "en": "· {name}: {figure} ({band}), {width}%",
        "zh-Hant": "· {name}：{figure}（{band}），{width}%",
    },
    "trust_no_bands": {
        "en": "No figure in view has a band: each is the report's, derived from it, or a scenario's single run.",
        "zh-Hant": "本頁數據皆無區間：皆為報告數據、由其推算，或為情境之單次運算。",
    },
    "trust_simulation": {
        "en": "Every rule of the warehouse ({rules} rules: shares sum to 100, parts add up, the report's figures "
        "hold) held in each of {runs} runs; largest deviation {points} percentage points, {relative} relative.",
        "zh-Hant": "資料倉儲之每項規則（{rules} 項：比重合計 100、各部分加總相符、報告數據不變）"
        "於 {runs} 次運算中皆成立；最大偏差 {points} 個百分點、相對 {relative}。",
    },
    "trust_exceptions": {
        "en": "{count} base-case figures in view lie outside their own bands (a lopsided range: {assumptions}).",
        "zh-Hant": "本頁 {count} 項基準數據落在其區間之外（區間不對稱：{assumptions}）。",
    },
    "trust_no_exceptions": {
        "en": "Every base-case figure in view lies inside its band.",
        "zh-Hant": "本頁每項基準數據皆落在其區間之內。",
    },
    "headline_note": {
        "en": "Headline figures as the report states them; the CAGR is recomputed from the warehouse.",
        "zh-Hant": "報告所載之主要數據；複合年成長率由資料倉儲重新計算。",
    },
}

BASIS = {
    "reported": {"en": "reported", "zh-Hant": "報告數據"},
    "derived": {"en": "derived", "zh-Hant": "推算"},
    "assumption": {"en": "assumption †", "zh-Hant": "假設 †"},
}

PAGES = ["overview", "segments", "geography", "companies", "cited", "report_tables", "evidence"]


def t(key: str, language: str) -> str:
    return TEXT[key][language]


def basis_mark(basis: str, language: str) -> str:
    """How a figure's basis is shown next to it: an assumption always carries its dagger."""
    return BASIS[basis][language]


# The identifiers the marts hold (metric ids, qualifiers, scope classes, methods, report labels), as a
# reader reads them: a page shows these words, never the snake_case key.
IDENTIFIERS = {
    "data_center_revenue": {"en": "data-center revenue", "zh-Hant": "資料中心營收"},
    "data_center_gpu_revenue": {"en": "data-center GPU revenue", "zh-Hant": "資料中心 GPU 營收"},
    "data_center_and_ai_revenue": {"en": "data-center and AI revenue", "zh-Hant": "資料中心與 AI 營收"},
    "data_center_segment_revenue": {"en": "data-center segment revenue", "zh-Hant": "資料中心部門營收"},
    "ai_revenue": {"en": "AI revenue", "zh-Hant": "AI 營收"},
    "ai_semiconductor_revenue": {"en": "AI semiconductor revenue", "zh-Hant": "AI 半導體營收"},
    "gaudi_revenue": {"en": "Gaudi revenue", "zh-Hant": "Gaudi 營收"},
    "instinct_gpu_revenue": {"en": "Instinct GPU revenue", "zh-Hant": "Instinct GPU 營收"},
    "cards_shipped": {"en": "cards shipped", "zh-Hant": "出貨卡數"},
    "leading_edge_capacity_5nm_and_below": {
        "en": "leading-edge capacity (5 nm and below)",
        "zh-Hant": "先進製程產能（5 奈米及以下）",
    },
    "capital_expenditure": {"en": "capital expenditure", "zh-Hant": "資本支出"},
    "data_centre_ai_crypto_electricity_demand": {
        "en": "electricity demand of data centres, AI and crypto",
        "zh-Hant": "資料中心、AI 與加密貨幣用電需求",
    },
    "cxl_memory_capacity": {"en": "CXL memory capacity", "zh-Hant": "CXL 記憶體容量"},
    "cxl_memory_bandwidth": {"en": "CXL memory bandwidth", "zh-Hant": "CXL 記憶體頻寬"},
    "market_size": {"en": "market size", "zh-Hant": "市場規模"},
    "market_cagr": {"en": "market CAGR", "zh-Hant": "市場複合年成長率"},
    "exact": {"en": "exact", "zh-Hant": "確切"},
    "less_than": {"en": "less than", "zh-Hant": "少於"},
    "more_than": {"en": "more than", "zh-Hant": "多於"},
    "approximately": {"en": "approximately", "zh-Hant": "約"},
    "up_to": {"en": "up to", "zh-Hant": "最多"},
    "year_over_year": {"en": "year over year", "zh-Hant": "與前一年比較"},
    "versus_current_level": {"en": "versus the current level", "zh-Hant": "相較目前水準"},
    "versus_traditional_configuration": {"en": "versus a traditional configuration", "zh-Hant": "相較傳統配置"},
    "compound_annual": {"en": "compound annual", "zh-Hant": "年複合成長"},
    "accelerator_cards": {"en": "accelerator cards", "zh-Hant": "加速卡"},
    "ai_accelerators": {"en": "AI accelerators", "zh-Hant": "AI 加速器"},
    "data_center_accelerators": {"en": "data-center accelerators", "zh-Hant": "資料中心加速器"},
    "data_center_gpus": {"en": "data-center GPUs", "zh-Hant": "資料中心 GPU"},
    "ai_chips": {"en": "AI chips", "zh-Hant": "AI 晶片"},
    "ai_semiconductors": {"en": "AI semiconductors", "zh-Hant": "AI 半導體"},
    "accelerated_servers": {"en": "accelerated servers", "zh-Hant": "加速伺服器"},
    "accelerated_capex": {"en": "accelerated-computing capex", "zh-Hant": "加速運算資本支出"},
    "stated": {"en": "stated", "zh-Hant": "所載"},
    "interpolated": {"en": "interpolated", "zh-Hant": "內插"},
    "extrapolated": {"en": "extrapolated", "zh-Hant": "外推"},
    "allocated": {"en": "allocated", "zh-Hant": "分配"},
    "rolled_up": {"en": "rolled up", "zh-Hant": "加總"},
    "recomputed": {"en": "recomputed", "zh-Hant": "重新計算"},
    "assumed": {"en": "assumed", "zh-Hant": "假設"},
    "interpolated_at_publisher_cagr": {"en": "interpolated at its CAGR", "zh-Hant": "依其複合年成長率內插"},
    "extrapolated_at_publisher_cagr": {"en": "extrapolated at its CAGR", "zh-Hant": "依其複合年成長率外推"},
    "cagr_period_label": {"en": "CAGR period label", "zh-Hant": "複合年成長率期間標示"},
    "forecast_period_label": {"en": "forecast period label", "zh-Hant": "預測期標示"},
    "reported": {"en": "reported", "zh-Hant": "報告數據"},
    "derived": {"en": "derived", "zh-Hant": "推算"},
    "assumption": {"en": "assumption", "zh-Hant": "假設"},
}

SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
# a single-word identifier in brackets: "(exact)", "(reported)", "(ai_chips, stated)"
BRACKETED = re.compile(r"\(([a-z_]+)(?:, ([a-z_]+))?\)")

# The labels fct_cross_checks builds in English, as zh-Hant reads them: each pattern's groups are made
# readable in turn; a label no pattern fits keeps its words, its identifiers made readable.
PHRASES_ZH_HANT = [
    (re.compile(r"^Report market (\d{4}) \((\w+)\) per card shipped$"), "報告 {0} 年市場規模（{1}）除以出貨卡數"),
    (re.compile(r"^Report market (\d{4}) \((\w+)\)$"), "報告 {0} 年市場規模（{1}）"),
    (re.compile(r"^Market growth (\d{4}) \((\w+)\)$"), "{0} 年市場成長率（{1}）"),
    (re.compile(r"^(.+) share of the market (\d{4}) \((\w+)\)$"), "{0} {1} 年市佔率（{2}）"),
    (re.compile(r"^(.+) share (\d{4}) \((\w+)\)$"), "{0} {1} 年佔有率（{2}）"),
    (re.compile(r"^(.+) share of (.+)$"), "{0} 佔 {1} 之比重"),
    (re.compile(r"^(.+), growth year over year$"), "{0}，年成長率"),
    (re.compile(r"^(.+) as the report cites it$"), "{0}（報告所引）"),
    (re.compile(r"^years after the base year (\d{4}) to (\d{4})$"), "基準年 {0} 年之後至 {1} 年之年數"),
    (re.compile(r"^CAGR as printed$"), "報告所載複合年成長率"),
    (
        re.compile(r"^rate of the reported sizes over the CAGR label \(([^)]+)\): (.+)$"),
        "報告規模於複合年成長率標示（{0}）{1} 期間隱含之成長率",
    ),
    (re.compile(r"^rate of the reported sizes over the reported period (.+)$"), "報告規模於報告期間 {0} 隱含之成長率"),
    (re.compile(r"^(.+): value per unit$"), "{0}：每單位價值"),
]


def identifier(key: str, language: str) -> str:
    """An identifier as words in language; one the dashboard has no words for loses its underscores."""
    return IDENTIFIERS[key][language] if key in IDENTIFIERS else key.replace("_", " ")


def readable(text: str, language: str) -> str:
    """A label the marts build in English, with no snake_case identifier left, in language."""
    if language != "en":
        for pattern, template in PHRASES_ZH_HANT:
            match = pattern.match(text)
            if match:
                return template.format(*(readable(group, language) for group in match.groups()))
    if text in IDENTIFIERS:
        return identifier(text, language)
    text = BRACKETED.sub(
        lambda match: "(" + ", ".join(identifier(group, language) for group in match.groups() if group) + ")", text
    )
    text = SNAKE_CASE.sub(lambda match: identifier(match.group(0), language), text)
    return text if language == "en" else text.replace(", ", "，")


# A verdict of marts.fct_cross_checks as the pages show it, in sentence case like every other label.
VERDICTS = {
    "consistent": {"en": "consistent", "zh-Hant": "一致"},
    "inconsistent": {"en": "inconsistent", "zh-Hant": "不一致"},
    "scope_mismatch": {"en": "scope mismatch", "zh-Hant": "範圍不符"},
}
