# The verbs of the project. `make help` lists them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test

.DEFAULT_GOAL := help
.PHONY: help setup build rebuild test lint dashboard sql docs bench bench-cluster browser postgres-server java cluster-start cluster-stop clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $(INSTALLED)

# the tests' own packages: the other engines (PostgreSQL, Spark) and the browser test
$(TEST_INSTALLED): $(INSTALLED) requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt -c constraints.txt
	touch $(TEST_INSTALLED)

setup: $(INSTALLED) ## Create .venv with the pinned dependencies

build: $(INSTALLED) ## Set up if needed; check seeds, dbt build, gate, and publish the warehouse (VERBOSE=1: dbt's lines too)
	$(BIN)/python -m scripts.build $(if $(VERBOSE),--verbose)

rebuild: $(INSTALLED) ## Like build, but rebuild every node rather than only what changed
	$(BIN)/python -m scripts.build --full $(if $(VERBOSE),--verbose)

test: $(TEST_INSTALLED) browser postgres-server java ## Run the whole test suite (pytest, which also builds, lints and checks the dbt project)
	$(BIN)/python -m pytest

# The browser test drives Debian's Chromium (Playwright cannot download browsers here), with CJK fonts
# for the zh-Hant pages.
browser:
	@test -x /usr/bin/chromium && fc-list 2>/dev/null | grep -qi "noto sans cjk" || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

lint: $(INSTALLED) ## sqlfluff (dbt templater, duckdb dialect), dbt-score (at least 9.0) and ruff (lint and format)
	ACM_WAREHOUSE_PATH=:memory: $(BIN)/sqlfluff lint models tests/singular
	ACM_WAREHOUSE_PATH=:memory: $(BIN)/dbt parse --quiet  # dbt-score reads the manifest
	$(BIN)/dbt-score lint --fail-project-under 9.0
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The PostgreSQL tests start a throw-away PostgreSQL 15 server from Debian's binaries.
postgres-server:
	@test -x /usr/lib/postgresql/15/bin/initdb || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null)

# The Spark tests run a Spark cluster on Java 17.
java:
	@command -v java >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null)

# A Spark standalone cluster on 127.0.0.1 from the pinned pyspark's jars (scripts/spark_cluster.py):
# `eval "$(make -s cluster-start)"` sets ACM_SPARK_THRIFT_HOST/PORT for `dbt build --target spark_cluster`.
cluster-start: $(TEST_INSTALLED) java ## Start a local Spark cluster (master, 2 workers, Thrift server); prints its exports
	@$(BIN)/python -m scripts.spark_cluster start

cluster-stop: $(TEST_INSTALLED) ## Stop the local Spark cluster (its tables and logs stay in target/spark-cluster)
	@$(BIN)/python -m scripts.spark_cluster stop

DASHBOARD_PORT ?= 8501
dashboard: $(INSTALLED) ## Serve the dashboard on 127.0.0.1 (reads the published warehouse)
	@echo "Dashboard: http://127.0.0.1:$(DASHBOARD_PORT)"
	$(BIN)/streamlit run dashboard/app.py --server.address 127.0.0.1 --server.port $(DASHBOARD_PORT) \
		--server.headless true --browser.gatherUsageStats false

# The session is DuckDB's CLI, read-only and in safe mode: scripts/sql.py says what that forbids.
sql: $(INSTALLED) ## Open a read-only SQL session (DuckDB CLI, safe mode) on the published warehouse
	@$(BIN)/python -m scripts.sql

bench: $(TEST_INSTALLED) ## Benchmark the pipeline and the simulation (tables of timings; not a test)
	$(BIN)/python -m scripts.bench
	$(BIN)/python -m scripts.bench_simulation

# Hours, not minutes: the simulation at 10^5 and 10^6 draws on a Spark cluster of this machine (on 2 cores,
# about 35 minutes for 10^5 on both engines and some 4 hours for 10^6: README, "At 10^6 draws").
bench-cluster: $(TEST_INSTALLED) java ## Benchmark the simulation on a Spark cluster of this machine beside DuckDB (10^5, 10^6 draws; ~5 h on 2 cores)
	$(BIN)/python -m scripts.bench_simulation --draws 100000 --cluster 100000 1000000

DOCS_PORT ?= 8080
docs: $(INSTALLED) ## Build the dbt docs site (models, columns, lineage, exposure) and serve it on 127.0.0.1
	$(BIN)/dbt seed --quiet && $(BIN)/dbt run --quiet  # the catalog reads the development file, never the published one
	$(BIN)/dbt docs generate
	@echo "Docs: http://127.0.0.1:$(DOCS_PORT)"
	$(BIN)/dbt docs serve --host 127.0.0.1 --port $(DOCS_PORT) --no-browser

clean: ## Remove dbt's target and logs
	rm -rf target logs
