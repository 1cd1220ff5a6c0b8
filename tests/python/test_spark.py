"""The warehouse on Apache Spark: the same project builds there in local session mode (Spark inside this
Python process, its warehouse and Derby metastore in a temporary folder) with every test passing, and
every mart agrees with DuckDB's row by row.

Starts a Spark driver of its own (pyspark, Java 17), offline; `pytest -m "not spark"` leaves it out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import assert_mart_matches_duckdb, duckdb_mart_tables

from scripts.gate import run_gate, suites
from scripts.project import PROJECT_DIR, DbtRun, project_vars, run_dbt

pytestmark = pytest.mark.spark

SPARK_DIR_ENV = "ACM_SPARK_DIR"


@pytest.fixture(scope="module")
def spark_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("spark")


@pytest.fixture(scope="module")
def spark_build(spark_dir) -> DbtRun:
    """`dbt build --target spark` of the repo's project, in this process, into spark_dir."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv(SPARK_DIR_ENV, str(spark_dir))
        # the driver binds to the loopback address (the profile says so); this keeps Spark from
        # first looking up the machine's other addresses and warning about them
        env.setenv("SPARK_LOCAL_IP", "127.0.0.1")
        # the DuckDB path is never opened: the spark target does not read it
        return run_dbt(
            ["build", "--target", "spark"],
            PROJECT_DIR,
            warehouse=spark_dir / "unused.duckdb",
            target_dir=spark_dir / "target",
        )


@pytest.fixture(scope="module")
def spark(spark_build) -> Iterator:
    """The Spark session dbt built with: the same driver, warehouse and metastore."""
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
    yield session
    session.stop()


def mart_tables(spark) -> list[str]:
    return sorted(row.tableName for row in spark.sql("show tables in marts").collect() if not row.isTemporary)


def test_build_on_spark_passes_every_node_with_no_warning(spark_build, spark_dir):
    assert spark_build.success, spark_build.failures
    assert spark_build.failures == []
    assert spark_build.warnings == []
    assert spark_build.node_count > 200
    # everything Spark wrote is in the folder the profile was given: tables and metastore
    assert (spark_dir / "warehouse" / "marts.db").is_dir()
    assert (spark_dir / "metastore_db").is_dir()


def test_every_mart_on_spark_matches_duckdb_row_by_row(spark, warehouse_connection):
    tables = mart_tables(spark)
    assert tables == duckdb_mart_tables(warehouse_connection)
    for table in tables:
        frame = spark.table(f"marts.{table}")
        assert_mart_matches_duckdb(table, frame.columns, frame.collect(), warehouse_connection)


def test_gate_passes_on_spark_fed_from_spark(spark, tmp_path):
    result = run_gate(None, tmp_path / "data-docs", reader=lambda sql: spark.sql(sql).toPandas())
    assert result.success, [suite.summary() for suite in result.suites if not suite.success]
    declared = suites(project_vars())
    assert result.expectations_passed == sum(len(suite.expectations) for suite in declared)
