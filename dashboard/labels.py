"""The dashboard's words in the report's two languages, and the mark every figure carries."""

from __future__ import annotations

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
    "share_of_table_pct": {"en": "Share of the table's market (%)", "zh-Hant": "佔本表市場比重（%）"},
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
