"""The great-expectations gate: suites kept here as code, run on a built warehouse file.

Each suite is a constant SQL query on the warehouse and the expectations its result must meet. The
query runs on the warehouse's engine (DuckDB, PostgreSQL or Spark, through a `reader`) and GX validates
the resulting pandas dataframe (GX's SQL data source over duckdb-engine is broken). The gate reads the
marts' figures and recomputes none of them. Every run rewrites the Data Docs, so a failed expectation
can be read there.
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
    """A suite's dataframe: one constant SQL text, run as it is by every engine's reader."""
    return lambda read: read(sql)


# Every share breakdown of every mart, one row per breakdown, geography (or report section) and year.
# Constant SQL: no value from a seed or mart is ever put into it, so it needs no binding on any engine.
SHARE_TOTALS_SQL = """
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
"""

# Every check of the report against the evidence, with its verdict.
CROSS_CHECKS_SQL = "select check_id, check_kind, verdict from marts.fct_cross_checks"

# Every document a published figure cites (a source_id in any mart), with whether it has a title and a url,
# or says why not (sources.csv: no_title_reason, no_url_reason).
CITED_SOURCES_SQL = """
with cited as (
    select source_id from marts.fct_market_size
    union select source_id from marts.fct_segment_forecast
    union select source_id from marts.fct_company_share
    union select source_id from marts.fct_cited_financials
    union select source_id from marts.report_tables
    union select source_id from marts.fct_external_estimates
    union select left_source_id from marts.fct_cross_checks
    union select right_source_id from marts.fct_cross_checks
)
select
    sources.source_id,
    (sources.title is not null or sources.no_title_reason is not null) as has_title_or_reason,
    (sources.url is not null or sources.no_url_reason is not null) as has_url_or_reason
from cited
inner join marts.dim_source as sources on cited.source_id = sources.source_id
"""

# Every assumption, with whether it states a rationale and names its evidence (ids of evidence rows, or the
# explicit marker that there is none). That each listed id exists is checked on the seeds, before loading.
ASSUMPTIONS_SQL = """
select
    assumption_id,
    (length(trim(coalesce(rationale, ''))) > 0) as states_a_rationale,
    (length(trim(coalesce(range_rationale, ''))) > 0) as states_why_its_range,
    (
        evidence_ids = 'no_public_evidence'
        or (has_public_evidence and length(trim(coalesce(evidence_ids, ''))) > 0)
    ) as names_evidence_or_none
from marts.dim_assumption
"""

# The simulation's rules over every run (base case, scenarios, draws), the largest deviation per rule and year
# computed in the warehouse (marts.fct_simulation_checks), split by unit so that each has its tolerance.
SIMULATION_SQL = """
select
    rule_id,
    year,
    run_count,
    case when deviation_unit = 'percentage_points' then max_deviation end as share_sum_deviation_pct,
    case when deviation_unit = 'relative' then max_deviation end as relative_deviation
from marts.fct_simulation_checks
"""

# Every band of every fact and report cell: ordered, of zero width where the figure is reported, and the
# base-case figure inside it or a named assumption behind it (marts.fct_band_exceptions).
BANDS_SQL = """
with banded as (
    select basis, value_usd, value_usd_p05, value_usd_p50, value_usd_p95 from marts.fct_market_size
    union all
    select basis, value_usd, value_usd_p05, value_usd_p50, value_usd_p95 from marts.fct_segment_forecast
    union all
    select basis, value_usd, value_usd_p05, value_usd_p50, value_usd_p95 from marts.fct_company_share
    union all
    select basis, value_usd, value_usd_p05, value_usd_p50, value_usd_p95 from marts.report_tables
)
select
    (value_usd_p05 <= value_usd_p50 and value_usd_p50 <= value_usd_p95) as is_ordered,
    (basis <> 'reported' or (value_usd_p05 = value_usd and value_usd_p95 = value_usd)) as reported_has_zero_width
from banded
"""

BAND_EXCEPTIONS_SQL = "select band_exception_id, explaining_assumption_id from marts.fct_band_exceptions"

SIMULATION_RULES = [
    "segment_shares_sum_to_100",
    "segment_values_add_up_to_their_geography",
    "geography_shares_sum_to_100",
    "geography_values_add_up_to_their_parent",
    "company_shares_sum_to_100",
    "company_values_add_up_to_the_market",
    "reported_market_sizes_hold",
]

VERDICTS = ["consistent", "inconsistent", "scope_mismatch"]


def suites(settings: dict) -> list[Suite]:
    """The gate's suites, parameterised by the dbt project's vars.

    The gate is the one home of the rule the project's users asked great-expectations to enforce:
    every share breakdown sums to 100%, in the base case and (suite `simulation`) in every scenario and
    every draw of the simulation; of the bands: ordered, zero-width where the report states the figure,
    and the base case inside or the assumption behind it named; and of the evidence's rules: every
    cross-check has a verdict of the accepted set, every assumption states its rationale and names its
    evidence (or that there is none), and every document a published figure cites has a title and a url,
    or says why not.
    Every other rule of the marts lives in dbt's tests (see the README's table of which rule is enforced
    where); the gate does not repeat them.
    """
    tolerance = settings["share_sum_tolerance_pct"]
    relative_tolerance = settings["additivity_relative_tolerance"]
    return [
        Suite(
            "share_breakdowns",
            query(SHARE_TOTALS_SQL),
            [
                gxe.ExpectColumnValuesToNotBeNull(column="share_total_pct"),
                between("share_total_pct", 100 - tolerance, 100 + tolerance),
                gxe.ExpectTableRowCountToBeBetween(min_value=1),
            ],
        ),
        Suite(
            "simulation",
            query(SIMULATION_SQL),
            [
                between("share_sum_deviation_pct", 0, tolerance),
                between("relative_deviation", 0, relative_tolerance),
                gxe.ExpectColumnValuesToBeBetween(column="run_count", min_value=2),
                gxe.ExpectColumnDistinctValuesToEqualSet(column="rule_id", value_set=SIMULATION_RULES),
            ],
        ),
        Suite(
            "bands",
            query(BANDS_SQL),
            [
                gxe.ExpectColumnValuesToBeInSet(column="is_ordered", value_set=[True]),
                gxe.ExpectColumnValuesToBeInSet(column="reported_has_zero_width", value_set=[True]),
                gxe.ExpectTableRowCountToBeBetween(min_value=1),
            ],
        ),
        Suite(
            "band_exceptions",
            query(BAND_EXCEPTIONS_SQL),
            [gxe.ExpectColumnValuesToNotBeNull(column="explaining_assumption_id")],
        ),
        Suite(
            "cross_checks",
            query(CROSS_CHECKS_SQL),
            [
                gxe.ExpectColumnValuesToNotBeNull(column="verdict"),
                gxe.ExpectColumnValuesToBeInSet(column="verdict", value_set=VERDICTS),
                gxe.ExpectTableRowCountToBeBetween(min_value=1),
            ],
        ),
        Suite(
            "assumptions",
            query(ASSUMPTIONS_SQL),
            [
                gxe.ExpectColumnValuesToBeInSet(column="states_a_rationale", value_set=[True]),
                gxe.ExpectColumnValuesToBeInSet(column="states_why_its_range", value_set=[True]),
                gxe.ExpectColumnValuesToBeInSet(column="names_evidence_or_none", value_set=[True]),
                gxe.ExpectTableRowCountToBeBetween(min_value=1),
            ],
        ),
        Suite(
            "cited_sources",
            query(CITED_SOURCES_SQL),
            [
                gxe.ExpectColumnValuesToBeInSet(column="has_title_or_reason", value_set=[True]),
                gxe.ExpectColumnValuesToBeInSet(column="has_url_or_reason", value_set=[True]),
                gxe.ExpectTableRowCountToBeBetween(min_value=1),
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
    # (that module's logger carries a level of its own, INFO, so the package's level alone does not quiet it)
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.WARNING)
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
