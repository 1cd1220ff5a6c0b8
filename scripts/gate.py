"""The great-expectations gate: suites kept here as code, run on a built warehouse file.

Each suite is a SQL query on the warehouse and the expectations its result must meet. The query runs
in DuckDB and GX validates the resulting pandas dataframe (GX's SQL data source over duckdb-engine is
broken). Every run rewrites the Data Docs, so a failed expectation can be read there.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx
from great_expectations import expectations as gxe
from great_expectations.data_context.types.base import ProgressBarsConfig

from scripts.project import PROJECT_DIR, project_vars

BASES = ["reported", "derived", "assumption"]


Reader = Callable[[str], pd.DataFrame]


@dataclass(frozen=True)
class Suite:
    """A dataframe built from the warehouse (by plain SQL every engine runs) and what it must meet."""

    name: str
    frame: Callable[[Reader], pd.DataFrame]
    expectations: list


@dataclass(frozen=True)
class SuiteResult:
    name: str
    evaluated: int
    passed: int
    failures: list[str]

    @property
    def success(self) -> bool:
        return self.evaluated > 0 and self.passed == self.evaluated

    def summary(self) -> str:
        status = "passed" if self.success else "FAILED"
        line = f"gate {self.name:<22} {self.passed}/{self.evaluated} expectations {status}"
        return line + (f": {'; '.join(self.failures)}" if self.failures else "")


@dataclass(frozen=True)
class GateResult:
    suites: list[SuiteResult]
    data_docs: Path

    @property
    def success(self) -> bool:
        return all(suite.success for suite in self.suites)

    @property
    def expectations_passed(self) -> int:
        return sum(suite.passed for suite in self.suites)


def between(column: str, low: float | None = None, high: float | None = None):
    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high)


def query(sql: str) -> Callable[[Reader], pd.DataFrame]:
    return lambda read: read(sql)


def headline_figures(read: Reader, base_year: int, last_year: int) -> pd.DataFrame:
    """The report's headline figures beside the warehouse's, rounded as the report rounds them.

    The SQL is plain selects every engine runs; rounding, the CAGR and the rankings are computed here.
    """
    rows = []
    market = read("select year, value_usd from marts.fct_market_size where geography_id = 'global'")
    size = dict(zip(market["year"].astype(int), market["value_usd"].astype(float), strict=True))
    reported = read("select year, value_usd from staging.stg_report__market_size where geography_id = 'global'")
    for year, value in zip(reported["year"].astype(int), reported["value_usd"].astype(float), strict=True):
        mart_value = size.get(year)
        reproduced = None if mart_value is None else f"{mart_value / 1e9:.2f}"
        rows.append((f"market_size_{year}", f"{value / 1e9:.2f}", reproduced))
    growth = read("select period_start_year, period_end_year, cagr_pct from staging.stg_report__market_growth")
    for start, end, cagr in growth.itertuples(index=False):
        start, end = int(start), int(end)
        reproduced = None
        if start in size and end in size:
            reproduced = f"{100 * ((size[end] / size[start]) ** (1 / (end - start)) - 1):.2f}"
        rows.append((f"cagr_pct_{start}_{end}", f"{float(cagr):.2f}", reproduced))
    highlights = read("select highlight_id, breakdown_id, member_id from staging.stg_report__market_highlights")
    for highlight_id, breakdown_id, member_id in highlights.itertuples(index=False):
        if highlight_id == "largest_market":
            regions = read(
                f"select geography_id, value_usd from marts.fct_market_size "
                f"where parent_geography_id = 'global' and year = {base_year}"
            )
            leader = regions.sort_values("value_usd", ascending=False)["geography_id"].iloc[0]
        else:
            segments = read(
                f"select segment_id, forecast_cagr_pct from marts.fct_segment_forecast "
                f"where geography_id = 'global' and breakdown_id = '{breakdown_id}' and year = {last_year}"
            )
            leader = segments.sort_values("forecast_cagr_pct", ascending=False)["segment_id"].iloc[0]
        rows.append((highlight_id, member_id, leader))
    return pd.DataFrame(rows, columns=["figure", "reported", "reproduced"])


def suites(settings: dict) -> list[Suite]:
    """The gate's suites, parameterised by the dbt project's vars."""
    first, last, base = settings["first_year"], settings["last_year"], settings["forecast_base_year"]
    tolerance = settings["share_sum_tolerance_pct"]
    horizon = last - first + 1

    def facts(*specific) -> list:
        # an expectation belongs to one suite, so each suite gets its own copies
        return [
            *specific,
            between("value_usd", 0),
            gxe.ExpectColumnValuesToNotBeNull(column="value_usd"),
            gxe.ExpectColumnValuesToBeInSet(column="basis", value_set=BASES),
            gxe.ExpectColumnValuesToNotBeNull(column="source_id"),
        ]

    return [
        Suite(
            "fct_market_size",
            query("select * from marts.fct_market_size"),
            facts(
                gxe.ExpectCompoundColumnsToBeUnique(column_list=["geography_id", "year"]), between("year", first, last)
            ),
        ),
        Suite(
            "fct_segment_forecast",
            query("select * from marts.fct_segment_forecast"),
            facts(
                gxe.ExpectCompoundColumnsToBeUnique(column_list=["geography_id", "breakdown_id", "segment_id", "year"]),
                between("share_pct", 0, 100),
                between("year", first, last),
            ),
        ),
        Suite(
            "fct_company_share",
            query("select * from marts.fct_company_share"),
            facts(
                gxe.ExpectCompoundColumnsToBeUnique(column_list=["company_id", "year"]), between("share_pct", 0, 100)
            ),
        ),
        Suite(
            "report_tables",
            query("select *, coalesce(member_id, '') as member_key from marts.report_tables"),
            facts(
                gxe.ExpectCompoundColumnsToBeUnique(column_list=["section", "member_key", "year"]),
                gxe.ExpectColumnUniqueValueCountToBeBetween(
                    column="section", min_value=settings["report_table_count"], max_value=settings["report_table_count"]
                ),
            ),
        ),
        Suite(
            "share_breakdowns",
            query("""
            select 'company' as breakdown_id, 'global' as geography_id, year, sum(share_pct) as share_total_pct
            from marts.fct_company_share group by year
            union all
            select case when parent_geography_id = 'global' then 'region' else 'country' end,
                parent_geography_id, year, sum(share_of_parent_pct)
            from marts.fct_market_size where parent_geography_id is not null
            group by parent_geography_id, year
            union all
            select breakdown_id, geography_id, year, sum(share_pct)
            from marts.fct_segment_forecast group by breakdown_id, geography_id, year
            union all
            select breakdown_id, section, year, sum(share_pct)
            from marts.report_tables where breakdown_id <> 'value' group by breakdown_id, section, year
            """),
            [
                gxe.ExpectColumnValuesToNotBeNull(column="share_total_pct"),
                between("share_total_pct", 100 - tolerance, 100 + tolerance),
                gxe.ExpectTableRowCountToBeBetween(min_value=1),
            ],
        ),
        Suite(
            "year_coverage",
            query("""
            select 'market_size' as series, geography_id as series_key, count(distinct year) as year_count,
                count(*) as row_count, min(year) as first_year, max(year) as last_year
            from marts.fct_market_size group by geography_id
            union all
            select 'segment_forecast', geography_id || '/' || breakdown_id || '/' || segment_id,
                count(distinct year), count(*), min(year), max(year)
            from marts.fct_segment_forecast group by geography_id, breakdown_id, segment_id
            union all
            select 'report_table', section || '/' || coalesce(member_id, ''),
                count(distinct year), count(*), min(year), max(year)
            from marts.report_tables where breakdown_id <> 'company' group by section, member_id
            """),
            [
                between("year_count", horizon, horizon),
                between("row_count", horizon, horizon),
                between("first_year", first, first),
                between("last_year", last, last),
            ],
        ),
        Suite(
            "headline_figures",
            lambda read: headline_figures(read, base, last),
            [
                gxe.ExpectColumnPairValuesToBeEqual(column_A="reported", column_B="reproduced"),
                gxe.ExpectColumnValuesToNotBeNull(column="reproduced"),
                gxe.ExpectTableRowCountToBeBetween(min_value=4),
            ],
        ),
    ]


def describe_failure(result) -> str:
    config = result.expectation_config
    column = config.kwargs.get("column") or config.kwargs.get("column_list") or config.kwargs.get("column_A")
    details = result.result or {}
    sample = details.get("partial_unexpected_list") or details.get("observed_value")
    return f"{config.type} on {column} (found {sample!r})"


@contextmanager
def duckdb_reader(warehouse: Path) -> Iterator[Reader]:
    """Queries on a DuckDB warehouse file, opened read-only."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        yield lambda sql: connection.execute(sql).df()


def run_gate(
    warehouse: Path | None, data_docs: Path, project_dir: Path = PROJECT_DIR, reader: Reader | None = None
) -> GateResult:
    """Validate every suite against the warehouse (a DuckDB file, or any engine through `reader`,
    a function from SQL to a pandas dataframe); write Data Docs to data_docs."""
    if reader is None:
        with duckdb_reader(warehouse) as duckdb_read:
            return run_gate(None, data_docs, project_dir, duckdb_read)
    # GX announces the temporary folder of its default docs site at INFO; the gate writes its own site
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    data_docs.mkdir(parents=True, exist_ok=True)
    context.add_data_docs_site(
        site_name="gate",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(data_docs)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    source = context.data_sources.add_pandas("warehouse")
    results = []
    for suite in suites(project_vars(project_dir)):
        frame = suite.frame(reader)
        batch = source.add_dataframe_asset(suite.name).add_batch_definition_whole_dataframe("whole")
        expectation_suite = context.suites.add(gx.ExpectationSuite(name=suite.name))
        for expectation in suite.expectations:
            expectation_suite.add_expectation(expectation)
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=batch, suite=expectation_suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=suite.name,
                validation_definitions=[validation],
                result_format="SUMMARY",
            )
        )
        outcome = checkpoint.run(batch_parameters={"dataframe": frame})
        checks = [check for run in outcome.run_results.values() for check in run.results]
        results.append(
            SuiteResult(
                name=suite.name,
                evaluated=len(checks),
                passed=sum(check.success for check in checks),
                failures=[describe_failure(check) for check in checks if not check.success],
            )
        )
    # once for all suites: rendering the site is most of the gate's time
    context.build_data_docs(site_names=["gate"])
    return GateResult(suites=results, data_docs=data_docs / "index.html")


def main(argv: list[str]) -> int:
    """`python -m scripts.gate WAREHOUSE [DATA_DOCS_DIR]`: gate an existing warehouse file."""
    if not argv:
        print("usage: python -m scripts.gate WAREHOUSE [DATA_DOCS_DIR]", file=sys.stderr)
        return 2
    warehouse = Path(argv[0])
    docs = Path(argv[1]) if len(argv) > 1 else warehouse.parent / "data-docs"
    result = run_gate(warehouse, docs)
    for suite in result.suites:
        print(suite.summary())
    print(f"Data Docs: {result.data_docs}")
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
