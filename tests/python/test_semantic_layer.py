"""The MetricFlow semantic layer: its configuration validates, and `mf query` gives the marts' figures."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from scripts.project import WAREHOUSE_ENV, copy_project, project_vars, run_dbt

MF = Path(sys.executable).parent / "mf"
GLOBAL = "{{ Entity('geography') }} = 'global'"


@dataclass(frozen=True)
class SemanticProject:
    """A built copy of the dbt project: `mf` reads target/semantic_manifest.json under its working directory."""

    project: Path
    warehouse: Path

    def mf(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, WAREHOUSE_ENV: str(self.warehouse), "DBT_PROFILES_DIR": str(self.project / "profiles")}
        return subprocess.run([str(MF), *args], cwd=self.project, env=env, capture_output=True, text=True, timeout=120)

    def query(self, metrics: Sequence[str], group_by: Sequence[str], where: Sequence[str] = ()) -> list[dict]:
        """Rows of `mf query`, read from the CSV it writes, with years as integers and figures as floats."""
        handle, name = tempfile.mkstemp(prefix="mf_query_", suffix=".csv", dir=self.project / "target")
        os.close(handle)
        output = Path(name)
        where_args = [argument for condition in where for argument in ("--where", condition)]
        completed = self.mf(
            "query",
            "--metrics",
            ",".join(metrics),
            "--group-by",
            ",".join(group_by),
            *where_args,
            "--csv",
            str(output),
            "--quiet",
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        with open(output, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            row["year"] = int(row.pop("metric_time__year")[:4])
            for metric in metrics:
                row[metric] = float(row[metric]) if row[metric] != "" else None
        return rows

    def mart(self, sql: str) -> list[tuple]:
        # closed before the next `mf` call: DuckDB lets one process at a time open a file for writing
        with duckdb.connect(str(self.warehouse), read_only=True) as connection:
            return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def semantic_project(built_warehouse, tmp_path_factory, with_parse) -> SemanticProject:
    """A copy of the project beside a copy of the session's build of it (the same files, built once),
    parsed so that its target/ holds the semantic manifest `mf` reads."""
    assert MF.exists(), f"{MF} is missing: install dbt-metricflow (pip install -r requirements.txt -c constraints.txt)"
    root = tmp_path_factory.mktemp("semantic")
    project = copy_project(root / "project")
    warehouse = root / "warehouse.duckdb"
    shutil.copyfile(built_warehouse.path, warehouse)
    run = run_dbt(["parse"], project, warehouse=warehouse, target_dir=with_parse(project / "target", warehouse))
    assert run.success, f"dbt parse failed: {run.exception}"
    assert (project / "target" / "semantic_manifest.json").exists()
    return SemanticProject(project=project, warehouse=warehouse)


def approx(value: float | None):
    return None if value is None else pytest.approx(value, rel=1e-9)


def test_mf_validate_configs_passes_semantic_and_warehouse_checks(semantic_project):
    completed = semantic_project.mf("validate-configs", "--show-all")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "Successfully validated the semantics of built manifest" in output, output
    assert "Successfully validated metrics against data warehouse" in output, output


def test_market_value_and_growth_by_year_are_the_global_rows_of_fct_market_size(semantic_project):
    settings = project_vars()
    rows = semantic_project.query(
        ["market_value_usd", "market_yoy_growth_pct", "market_forecast_cagr_pct"], ["metric_time__year"], [GLOBAL]
    )
    mart = semantic_project.mart(
        "select year, value_usd, yoy_growth_pct from marts.fct_market_size where geography_id = 'global'"
    )
    by_year = {row["year"]: row for row in rows}
    assert sorted(by_year) == sorted(year for year, _, _ in mart)
    for year, value_usd, yoy_growth_pct in mart:
        assert by_year[year]["market_value_usd"] == approx(value_usd), year
        assert by_year[year]["market_yoy_growth_pct"] == approx(yoy_growth_pct), year

    last, base = settings["last_year"], settings["forecast_base_year"]
    value = {year: value_usd for year, value_usd, _ in mart}
    assert by_year[last]["market_value_usd"] == approx(value[last])
    assert by_year[last]["market_forecast_cagr_pct"] == approx(
        100 * ((value[last] / value[base]) ** (1 / (last - base)) - 1)
    )
    # the CAGR belongs to the last year's row: no other year shows it
    assert {year for year, row in by_year.items() if row["market_forecast_cagr_pct"] is not None} == {last}


def test_segment_value_share_growth_and_cagr_are_fct_segment_forecast_for_every_geography_and_segment(
    semantic_project,
):
    last = project_vars()["last_year"]
    metrics = ["segment_value_usd", "segment_share_pct", "segment_yoy_growth_pct", "segment_forecast_cagr_pct"]
    rows = semantic_project.query(metrics, ["metric_time__year", "geography", "segment"])
    mart = semantic_project.mart(
        """
        select geography_id, segment_id, year, value_usd, share_pct, yoy_growth_pct, forecast_cagr_pct
        from marts.fct_segment_forecast
        """
    )
    by_key = {(row["geography"], row["segment"], row["year"]): row for row in rows}
    assert len(by_key) == len(rows) == len(mart)
    for geography_id, segment_id, year, value_usd, share_pct, yoy_growth_pct, forecast_cagr_pct in mart:
        row = by_key[(geography_id, segment_id, year)]
        assert row["segment_value_usd"] == approx(value_usd), (geography_id, segment_id, year)
        assert row["segment_share_pct"] == approx(share_pct), (geography_id, segment_id, year)
        assert row["segment_yoy_growth_pct"] == approx(yoy_growth_pct), (geography_id, segment_id, year)
        if year == last:
            assert row["segment_forecast_cagr_pct"] == approx(forecast_cagr_pct), (geography_id, segment_id)
        else:
            assert row["segment_forecast_cagr_pct"] is None, (geography_id, segment_id, year)


def test_company_shares_are_a_metric_equal_to_fct_company_share(semantic_project):
    rows = semantic_project.query(["company_share_pct", "company_value_usd"], ["metric_time__year", "company"])
    mart = semantic_project.mart("select company_id, year, share_pct, value_usd from marts.fct_company_share")
    by_key = {(row["company"], row["year"]): row for row in rows}
    assert len(by_key) == len(mart)
    for company_id, year, share_pct, value_usd in mart:
        assert by_key[(company_id, year)]["company_share_pct"] == approx(share_pct), company_id
        assert by_key[(company_id, year)]["company_value_usd"] == approx(value_usd), company_id


def test_mf_query_reads_the_published_warehouse_right_after_a_build_and_leaves_no_file(published_warehouse):
    """As the README says: after `make build`, `DBT_TARGET=published mf query` reads the published file,
    read-only, through the semantic manifest the build left (which names that file's catalog)."""
    project, warehouse = published_warehouse
    before = warehouse.stat().st_mtime_ns, warehouse.stat().st_size
    files_before = set(warehouse.parent.iterdir())
    env = {
        **os.environ,
        WAREHOUSE_ENV: str(warehouse),
        "DBT_TARGET": "published",
        "DBT_PROFILES_DIR": str(project / "profiles"),
    }
    completed = subprocess.run(
        [str(MF), "query", "--metrics", "market_value_usd", "--group-by", "metric_time__year", "--where", GLOBAL,
         "--order", "metric_time__year", "--decimals", "2"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        values = connection.execute(
            "select value_usd from marts.fct_market_size where geography_id = 'global' order by year"
        ).fetchall()
    shown = [line.split()[-1] for line in completed.stdout.splitlines() if line[:4].isdigit()]
    assert shown == [f"{value:.2f}" for (value,) in values]
    assert (warehouse.stat().st_mtime_ns, warehouse.stat().st_size) == before
    assert set(warehouse.parent.iterdir()) == files_before, "mf left a file beside the warehouse"
    assert not (project / "warehouse" / "dev.duckdb").exists()
