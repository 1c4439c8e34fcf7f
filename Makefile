# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: install run test dbt-parse clean

# Re-install only when the pinned dependencies change.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(DAGSTER_HOME)/dagster.yaml:
	mkdir -p $(DAGSTER_HOME)
	printf 'telemetry:\n  enabled: false\n' > $@

dbt-parse: install
	$(VENV)/bin/dbt parse --quiet --project-dir . --profiles-dir .

## Build and validate the warehouse end to end through Dagster.
run: install dbt-parse $(DAGSTER_HOME)/dagster.yaml
	$(PY) -m orchestration.run

## Run the whole test suite.
test: install dbt-parse $(DAGSTER_HOME)/dagster.yaml
	$(PY) -m pytest

clean:
	rm -rf target logs data .dagster_home
