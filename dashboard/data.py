"""Reads for the dashboard: short-lived read-only connections to the published warehouse.

Each read opens the file, queries it and closes it, so a build can always publish a new file and
the next read sees it. Results are cached per file version (inode and modification time): a new
publish is a new version.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from scripts.project import warehouse_path

LOG = logging.getLogger(__name__)


def file_version(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_ino, status.st_mtime_ns


class WarehouseBusy(Exception):
    """Another process holds the published file open for writing, so no reader can open it now."""


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(path, read_only=True)
    except duckdb.IOException as error:
        # DuckDB has no narrower exception for a lock held by another process: its message says so.
        if "Conflicting lock" not in str(error):
            raise
        LOG.warning("Cannot read the published warehouse yet: %s", error)
        raise WarehouseBusy from error


# An exception is never cached, so the first read after the lock is gone opens the file again.
@st.cache_data(show_spinner=False, max_entries=256)
def _read(path: str, version: tuple[int, int], sql: str, parameters: tuple) -> pd.DataFrame:
    with _connect(path) as connection:
        return connection.execute(sql, list(parameters)).df()


def read(sql: str, *parameters) -> pd.DataFrame:
    path = warehouse_path()
    return _read(str(path), file_version(path), sql, parameters)


def version() -> tuple[int, int]:
    """The published file's identity: what a cache of anything built from it is keyed on."""
    return file_version(warehouse_path())


def is_published() -> bool:
    return warehouse_path().exists()


def build_info() -> pd.DataFrame:
    return read("select built_at_utc, git_commit, build_kind, simulation_draws from meta.build_info")


def global_market() -> pd.DataFrame:
    return read(
        """
        select m.year, m.value_usd, m.yoy_growth_pct, m.forecast_cagr_pct, m.basis, m.yoy_growth_basis, m.method,
            m.source_id, d.publisher, m.value_usd_p05, m.value_usd_p95, m.geography_id
        from marts.fct_market_size as m
        inner join marts.dim_source as d on m.source_id = d.source_id
        where m.geography_id = 'global'
        order by m.year
        """
    )


def reported_growth() -> pd.DataFrame:
    return read(
        "select growth_pct as cagr_pct, fiscal_period from marts.fct_cited_financials where metric = 'market_cagr'"
    )


def geographies() -> pd.DataFrame:
    return read(
        "select geography_id, parent_geography_id, geography_level, label_en, label_zh_hant, sort_order, "
        "is_in_report from marts.dim_geography order by sort_order"
    )


def dimensions() -> pd.DataFrame:
    return read(
        # standard SQL (no `group by all`): the PostgreSQL load test runs the dashboard's queries as written
        "select breakdown_id, breakdown_label_en, breakdown_label_zh_hant, min(sort_order) as sort_order "
        "from marts.dim_segment group by breakdown_id, breakdown_label_en, breakdown_label_zh_hant order by sort_order"
    )


def segment_forecast(geography_id: str, breakdown_id: str) -> pd.DataFrame:
    return read(
        """
        select f.year, f.segment_id, s.label_en, s.label_zh_hant, s.sort_order, f.value_usd, f.share_pct,
            f.yoy_growth_pct, f.forecast_cagr_pct, f.basis, f.source_id, f.value_usd_p05, f.value_usd_p95,
            f.share_pct_p05, f.share_pct_p95, f.geography_id, f.breakdown_id
        from marts.fct_segment_forecast as f
        inner join marts.dim_segment as s using (breakdown_id, segment_id)
        where f.geography_id = ? and f.breakdown_id = ?
        order by s.sort_order, f.year
        """,
        geography_id,
        breakdown_id,
    )


def geography_values(year: int, breakdown_id: str | None) -> pd.DataFrame:
    """Regions and countries in one year, each with its parent and its total value: the totals (share
    of the parent), or one dimension's segments (share of the geography's market)."""
    if breakdown_id is None:
        return read(
            """
            select g.geography_id, g.geography_level, g.parent_geography_id, g.label_en, g.label_zh_hant,
                g.sort_order, g.is_in_report, p.label_en as parent_en, p.label_zh_hant as parent_zh_hant,
                'total' as segment_id, null as segment_en, null as segment_zh_hant, 0 as segment_sort_order,
                m.value_usd, m.value_usd as geography_value_usd, m.share_of_parent_pct as share_pct, m.basis,
                m.value_usd_p05, m.value_usd_p95, m.share_of_parent_pct_p05 as share_pct_p05,
                m.share_of_parent_pct_p95 as share_pct_p95, m.value_usd_p05 as geography_value_usd_p05,
                m.value_usd_p95 as geography_value_usd_p95, null as breakdown_id, m.year
            from marts.fct_market_size as m
            inner join marts.dim_geography as g using (geography_id)
            inner join marts.dim_geography as p on g.parent_geography_id = p.geography_id
            where m.year = ? and g.geography_level <> 'global'
            order by g.sort_order
            """,
            year,
        )
    return read(
        """
        select g.geography_id, g.geography_level, g.parent_geography_id, g.label_en, g.label_zh_hant,
            g.sort_order, g.is_in_report, p.label_en as parent_en, p.label_zh_hant as parent_zh_hant,
            f.segment_id, s.label_en as segment_en, s.label_zh_hant as segment_zh_hant,
            s.sort_order as segment_sort_order, f.value_usd, m.value_usd as geography_value_usd, f.share_pct, f.basis,
            f.value_usd_p05, f.value_usd_p95, f.share_pct_p05, f.share_pct_p95,
            m.value_usd_p05 as geography_value_usd_p05, m.value_usd_p95 as geography_value_usd_p95, f.breakdown_id,
            f.year
        from marts.fct_segment_forecast as f
        inner join marts.dim_geography as g on f.geography_id = g.geography_id
        inner join marts.dim_geography as p on g.parent_geography_id = p.geography_id
        inner join marts.dim_segment as s on f.breakdown_id = s.breakdown_id and f.segment_id = s.segment_id
        inner join marts.fct_market_size as m on f.geography_id = m.geography_id and f.year = m.year
        where f.year = ? and f.breakdown_id = ? and g.geography_level <> 'global'
        order by g.sort_order, s.sort_order
        """,
        year,
        breakdown_id,
    )


def segment_order() -> pd.DataFrame:
    """Every segment in its breakdown's order: a segment's colour follows from its place here."""
    return read("select breakdown_id, segment_id, sort_order from marts.dim_segment order by breakdown_id, sort_order")


def company_shares() -> pd.DataFrame:
    return read(
        """
        select c.company_id, c.label_en, c.label_zh_hant, c.sort_order, f.year, f.share_pct,
            f.value_usd, f.basis, f.source_id, f.value_usd_p05, f.value_usd_p95, f.share_pct_p05, f.share_pct_p95
        from marts.fct_company_share as f
        inner join marts.dim_company as c using (company_id)
        order by c.sort_order
        """
    )


def cited_figures() -> pd.DataFrame:
    return read(
        """
        select f.organisation, f.metric, f.fiscal_period, f.value, f.unit, f.value_qualifier, f.growth_pct,
            f.growth_comparison, f.implied_base_value, f.implied_growth_multiple, f.basis, f.source_id,
            d.title, d.publisher, d.published_on, d.date_precision
        from marts.fct_cited_financials as f
        inner join marts.dim_source as d using (source_id)
        order by f.organisation, f.figure_id
        """
    )


def report_sections() -> pd.DataFrame:
    return read(
        "select distinct section, section_sort_order, title_en, title_zh_hant, breakdown_id "
        "from marts.report_tables order by section_sort_order"
    )


def report_table(section: str) -> pd.DataFrame:
    # every column, so that a column the mart gains (a figure's method) reaches the page as it arrives
    return read(
        """
        select *
        from marts.report_tables
        where section = ?
        order by member_sort_order, year
        """,
        section,
    )


def assumptions(assumption_ids: str) -> pd.DataFrame:
    """The assumptions a figure lists (its `assumption_ids`, `;` between them), with their ranges, rationales
    and evidence. The list is bound, never spliced, and matched whole-id by standard SQL every engine runs."""
    return read(
        """
        select assumption_id, label_en, label_zh_hant, base_value_pct, low_value_pct, high_value_pct, rationale,
            evidence_ids
        from marts.dim_assumption
        where position(';' || assumption_id || ';' in ';' || ? || ';') > 0
        order by assumption_kind, assumption_id
        """,
        assumption_ids,
    )


def cross_check_verdicts() -> pd.DataFrame:
    """How many cross-checks of each kind reached each verdict, with the kind's labels."""
    return read(
        """
        select check_kind, check_kind_label_en, check_kind_label_zh_hant, verdict, count(*) as checks
        from marts.fct_cross_checks
        group by check_kind, check_kind_sort_order, check_kind_label_en, check_kind_label_zh_hant, verdict
        order by check_kind_sort_order, verdict
        """
    )


def scenarios() -> pd.DataFrame:
    """The named scenarios, the base case first, with their names and descriptions in both languages."""
    return read(
        "select scenario_id, label_en, label_zh_hant, description_en, description_zh_hant "
        "from marts.dim_scenario order by sort_order"
    )


def scenario_figures(scenario_id: str, figure_kind: str) -> pd.DataFrame:
    """One scenario's figures of one kind (market_size, segment_value or company_value), each beside the
    base case's and its change from it, keyed as the base marts key them."""
    return read(
        """
        select geography_id, breakdown_id, segment_id, company_id, year, value_usd, share_pct, base_value_usd,
            change_from_base_pct
        from marts.fct_scenario_forecast
        where scenario_id = ? and figure_kind = ?
        """,
        scenario_id,
        figure_kind,
    )


def simulation_checks() -> pd.DataFrame:
    """Per unit of deviation: how many rules were checked, in how many runs, and the largest deviation."""
    return read(
        """
        select deviation_unit, count(distinct rule_id) as rules, max(run_count) as runs,
            max(max_deviation) as max_deviation
        from marts.fct_simulation_checks
        group by deviation_unit
        order by deviation_unit
        """
    )


def band_exceptions() -> pd.DataFrame:
    """The base-case figures outside their own bands, keyed as the base marts key them, and the assumption
    whose lopsided range is behind each, with its label in both languages."""
    return read(
        """
        select exceptions.value_kind, exceptions.geography_id, exceptions.breakdown_id, exceptions.segment_id,
            exceptions.company_id, exceptions.year, exceptions.explaining_assumption_id,
            assumptions.label_en as assumption_label_en, assumptions.label_zh_hant as assumption_label_zh_hant
        from marts.fct_band_exceptions as exceptions
        inner join marts.dim_assumption as assumptions
            on exceptions.explaining_assumption_id = assumptions.assumption_id
        """
    )
