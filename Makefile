# The verbs of the project. `make help` lists them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup build rebuild test lint docs bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $(INSTALLED)

setup: $(INSTALLED) ## Create .venv with the pinned dependencies

build: $(INSTALLED) ## Set up if needed; check seeds, dbt build, gate, and publish the warehouse
	$(BIN)/python -m scripts.build

rebuild: $(INSTALLED) ## Like build, but rebuild every node rather than only what changed
	$(BIN)/python -m scripts.build --full

test: $(INSTALLED) ## Run the whole test suite (pytest, which also builds, lints and checks the dbt project)
	$(BIN)/python -m pytest

lint: $(INSTALLED) ## sqlfluff (dbt templater, duckdb dialect) and ruff (lint and format)
	ACM_WAREHOUSE_PATH=:memory: $(BIN)/sqlfluff lint models tests/singular
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(INSTALLED) ## Benchmark the pipeline (a table of timings; not a test)
	$(BIN)/python -m scripts.bench

docs: $(INSTALLED) ## Generate the dbt docs site into target/
	$(BIN)/dbt docs generate

clean: ## Remove dbt's target and logs
	rm -rf target logs
