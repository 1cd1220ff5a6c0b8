"""The warehouse as its readers see it: built by dbt, every report table present, every figure traced."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from conftest import read_seed

from scripts.gate import run_gate
from scripts.project import PROJECT_DIR, WAREHOUSE_ENV, copy_project, project_vars, run_dbt

FACT_TABLES = ["fct_market_size", "fct_segment_forecast", "fct_company_share", "report_tables"]


def test_build_passes_every_node_with_no_warning(built_warehouse):
    assert built_warehouse.run.failures == []
    assert built_warehouse.run.warnings == []
    assert built_warehouse.run.node_count > 200


def test_every_report_table_is_readable_by_its_section_number(warehouse_connection):
    sections = read_seed("reference/report_sections.csv")
    settings = project_vars()
    horizon = settings["last_year"] - settings["first_year"] + 1
    assert len(sections) == settings["report_table_count"] == 107

    years_per_section = dict(
        warehouse_connection.sql(
            "select section, count(distinct year) from marts.report_tables group by section"
        ).fetchall()
    )
    assert set(years_per_section) == {row["section"] for row in sections}
    company_sections = {row["section"] for row in sections if row["breakdown_id"] == "company"}
    assert {years_per_section[s] for s in company_sections} == {1}
    assert {n for s, n in years_per_section.items() if s not in company_sections} == {horizon}


def test_china_by_application_lists_every_application_summing_to_100(warehouse_connection):
    applications = {
        row["segment_id"] for row in read_seed("reference/segments.csv") if row["breakdown_id"] == "application"
    }
    rows = warehouse_connection.sql(
        """
        select geography_id, breakdown_id, member_id, year, share_pct, value_usd
        from marts.report_tables
        where section = '8.3.1.2.3'
        """
    ).fetchall()
    assert {(r[0], r[1]) for r in rows} == {("china", "application")}
    assert {r[2] for r in rows} == applications
    china_value = dict(
        warehouse_connection.sql(
            "select year, value_usd from marts.fct_market_size where geography_id = 'china'"
        ).fetchall()
    )
    for year in china_value:
        year_rows = [r for r in rows if r[3] == year]
        assert abs(sum(r[4] for r in year_rows) - 100) < 1e-6
        assert abs(sum(r[5] for r in year_rows) - china_value[year]) <= 1e-9 * china_value[year]


def test_reported_headline_figures_come_back_as_the_report_rounds_them(warehouse_connection):
    sizes = {int(row["year"]): float(row["value"]) for row in read_seed("report/report_market_size.csv")}
    growth = read_seed("report/report_market_growth.csv")[0]
    mart = dict(
        warehouse_connection.sql(
            "select year, value_usd from marts.fct_market_size where geography_id = 'global'"
        ).fetchall()
    )
    for year, billions in sizes.items():
        assert round(mart[year] / 1e9, 2) == billions
    start, end = int(growth["period_start_year"]), int(growth["period_end_year"])
    cagr = 100 * ((mart[end] / mart[start]) ** (1 / (end - start)) - 1)
    assert round(cagr, 2) == float(growth["cagr_pct"])


def test_report_states_north_america_largest_and_machine_learning_fastest(warehouse_connection):
    largest = warehouse_connection.sql(
        """
        select distinct first(geography_id order by value_usd desc)
        from marts.fct_market_size
        where parent_geography_id = 'global'
        group by year
        """
    ).fetchall()
    assert largest == [("north_america",)]
    fastest = warehouse_connection.execute(
        """
        select segment_id from marts.fct_segment_forecast
        where geography_id = 'global' and breakdown_id = 'application' and year = 2031
        order by forecast_cagr_pct desc limit 1
        """
    ).fetchall()[0]
    assert fastest == ("machine_learning",)


def test_every_fact_row_traces_to_a_source_row_of_its_basis(warehouse_connection):
    sources = {row["source_id"]: row for row in read_seed("reference/sources.csv")}
    for table in FACT_TABLES:
        pairs = warehouse_connection.sql(f"select distinct basis, source_id from marts.{table}").fetchall()
        assert pairs, table
        for basis, source_id in pairs:
            assert source_id in sources, (table, source_id)
            is_assumption_set = sources[source_id]["document_type"] == "assumption_set"
            assert is_assumption_set == (basis == "assumption"), (table, basis, source_id)


def test_reported_rows_carry_the_seed_figure_unchanged(warehouse_connection):
    seed_rows = read_seed("report/report_market_size.csv")
    reported = warehouse_connection.sql(
        "select geography_id, year, value_usd, source_id from marts.fct_market_size where basis = 'reported'"
    ).fetchall()
    expected = {
        (row["geography_id"], int(row["year"]), float(row["value"]) * 1e9, row["source_id"]) for row in seed_rows
    }
    assert set(reported) == expected


def test_assumed_shares_are_marked_and_explained_in_their_seeds():
    for seed in [
        "assumed_segment_shares",
        "assumed_geography_shares",
        "assumed_company_shares",
        "assumed_market_growth",
    ]:
        rows = read_seed(f"assumptions/{seed}.csv")
        assert rows, seed
        assert {row["basis"] for row in rows} == {"assumption"}, seed
        assert all(row["rationale"].strip() for row in rows), seed
        assert {row["source_id"] for row in rows} == {"warehouse_assumptions"}, seed


def add_one_to_first_share(seed: Path) -> None:
    rows = list(csv.DictReader(seed.open(encoding="utf-8")))
    rows[0]["share_pct"] = str(float(rows[0]["share_pct"]) + 1)
    with seed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# The seed check refuses a seed whose shares do not sum to 100 before loading (test_pipeline). The two
# tests below bypass it, as a plain `dbt build` does, to show what catches such a seed after loading.


def test_broken_company_share_reaches_the_marts_only_to_fail_the_gate(tmp_path, with_parse):
    # the company table carries the seed's shares as they are: the gate, the home of the shares rule,
    # must catch the breakdown no longer summing to 100 without any dbt test's help
    project = copy_project(tmp_path / "project")
    add_one_to_first_share(project / "seeds" / "assumptions" / "assumed_company_shares.csv")
    warehouse = tmp_path / "warehouse.duckdb"

    run = run_dbt(
        ["build", "--exclude", "test_type:data"],
        project,
        warehouse=warehouse,
        target_dir=with_parse(tmp_path / "target", warehouse),
    )
    result = run_gate(warehouse, tmp_path / "docs", project)

    assert run.success, run.failures
    # the marts' breakdown, and the simulation's check of every run (the base case among them)
    assert [suite.name for suite in result.suites if not suite.success] == ["share_breakdowns", "simulation"]
    failures = next(suite.failures for suite in result.suites if suite.name == "share_breakdowns")
    assert any("share_total_pct" in failure for failure in failures), failures


def test_company_share_out_of_range_of_unknown_basis_or_source_fails_the_marts_dbt_tests(
    built_warehouse, tmp_path, with_parse
):
    # the company table's rules are dbt tests declared beside its columns, as for the other marts
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built_warehouse.path, warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(
            "update marts.fct_company_share set share_pct = 101, basis = 'estimated' where company_id = 'others'"
        )
        connection.execute(
            "update marts.fct_company_share set source_id = 'no_such_source' where company_id = 'nvidia'"
        )

    run = run_dbt(
        ["test", "--select", "fct_company_share", "--exclude", "test_type:unit"],
        PROJECT_DIR,
        warehouse=warehouse,
        target_dir=with_parse(tmp_path / "target", warehouse),
    )

    failed = {
        (result.node.test_metadata.name, result.node.column_name)
        for result in run.node_results
        if str(result.status) == "fail"
    }
    assert not run.success
    # a basis other than assumption on a row that lists its assumptions fails the basis-lineage rule too
    assert failed == {
        ("within_range", "share_pct"),
        ("accepted_values", "basis"),
        ("relationships", "source_id"),
        ("assumption_basis_matches_assumption_ids", None),
    }


def test_empty_values_fail_the_one_not_null_test_of_their_table_which_names_each_column(
    built_warehouse, tmp_path, with_parse
):
    # a table's unconditional not_null rules are one test (tests/generic/not_null_columns.sql), whose
    # failing rows name each column with empty values and count them
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built_warehouse.path, warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("update seeds.geographies set label_en = null where geography_id in ('china', 'japan')")
        connection.execute("update seeds.geographies set sort_order = null where geography_id = 'global'")

    run = run_dbt(
        ["test", "--select", "not_null_columns_geographies", "--store-failures"],
        PROJECT_DIR,
        warehouse=warehouse,
        target_dir=with_parse(tmp_path / "target", warehouse),
    )

    [result] = [result for result in run.node_results if result.node.resource_type == "test"]
    assert str(result.status) == "fail"
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        failing = connection.sql(f"select column_name, empty_rows from {result.node.relation_name} order by 1")
        assert failing.fetchall() == [("label_en", 2), ("sort_order", 1)]


def test_broken_segment_mix_in_a_seed_fails_the_seeds_declared_share_rule(tmp_path, with_parse):
    # segment shares in the marts are each segment's part of the values, 100% by construction; a mix
    # summing to 101% is caught on the seed, by the rule the seed check also reads from seeds/_seeds.yml
    project = copy_project(tmp_path / "project")
    add_one_to_first_share(project / "seeds" / "assumptions" / "assumed_segment_shares.csv")

    # the seed and its own tests: what a `dbt build` runs first, and where it stops this seed's descendants
    warehouse = tmp_path / "warehouse.duckdb"
    run = run_dbt(
        ["build", "--select", "assumed_segment_shares"],
        project,
        warehouse=warehouse,
        target_dir=with_parse(tmp_path / "target", warehouse),
    )

    assert not run.success
    assert any(name.startswith("input_shares_sum_to_100_assumed_segment_shares") for name in run.failures), run.failures


def test_docs_generate_describes_every_model_and_column(built_warehouse, tmp_path, with_parse):
    # the catalog lists the columns as built, so that a column the YAML does not describe is found
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built_warehouse.path, warehouse)
    run = run_dbt(
        ["docs", "generate"], PROJECT_DIR, warehouse=warehouse, target_dir=with_parse(tmp_path / "target", warehouse)
    )
    assert run.success
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())
    built = [unique_id for unique_id, node in manifest["nodes"].items() if node["resource_type"] in ("model", "seed")]
    assert sorted(catalog["nodes"]) == sorted(built)
    undocumented = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] not in ("model", "seed"):
            continue
        if not node["description"].strip():
            undocumented.append(unique_id)
        built_columns = catalog["nodes"].get(unique_id, {}).get("columns", {})
        for column in built_columns:
            described = node["columns"].get(column.lower(), {}).get("description", "")
            if not described.strip():
                undocumented.append(f"{unique_id}.{column}")
    assert undocumented == []


def readme_sql_blocks() -> list[str]:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", readme, flags=re.DOTALL)


def test_readme_example_queries_run_on_the_published_file_and_return_rows(published_warehouse):
    import duckdb

    _, warehouse = published_warehouse
    blocks = readme_sql_blocks()
    assert len(blocks) >= 5
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for block in blocks:
            assert connection.sql(block).fetchall(), block


def test_sql_and_python_are_lint_clean():
    bin_dir = Path(sys.executable).parent
    for command in (
        [str(bin_dir / "sqlfluff"), "lint", "models", "tests/singular"],
        [str(bin_dir / "ruff"), "check", "."],
        [str(bin_dir / "ruff"), "format", "--check", "."],
    ):
        # sqlfluff's dbt templater opens the target database: keep it off the warehouse file
        env = {**os.environ, WAREHOUSE_ENV: ":memory:"}
        completed = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, env=env)
        assert completed.returncode == 0, completed.stdout + completed.stderr
