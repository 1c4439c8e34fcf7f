# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
# One Dagster instance for `make run` and `make dev`, beside the warehouse (data/dagster/):
# the UI shows every run, and the landing sensor's cursor survives restarts.
# (computed by Python, not make's $(dir)/$(abspath): those split a path with spaces into words)
export DAGSTER_HOME ?= $(shell $(PYTHON) -c 'import os, sys; print(os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), "dagster"))' "$(or $(WAREHOUSE_PATH),data/warehouse.duckdb)")

.PHONY: dagster-home install install-spark run rebuild test test-spark test-fast lint dev docs report bench dbt-parse clean accept withdraw rules

# `make run ENGINE=spark`: the same pipeline on Apache Spark, local mode (docs/spark.md). The
# Spark extra (pyspark, dbt-spark) is installed for it and for `make test` only.
ifdef ENGINE
export TENDENSEN_ENGINE := $(ENGINE)
endif
SPARK_STAMP := $(VENV)/.installed-spark
ENGINE_EXTRAS := $(if $(filter spark,$(ENGINE)),$(SPARK_STAMP))

# Re-install only when the pinned dependencies change.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(SPARK_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,spark]'
	touch $@

install-spark: $(SPARK_STAMP)

# A phony target, not a file target: make cannot name a file whose path holds a space.
dagster-home:
	@mkdir -p -m 700 "$$DAGSTER_HOME"
	@cmp -s orchestration/dagster.yaml "$$DAGSTER_HOME/dagster.yaml" || cp orchestration/dagster.yaml "$$DAGSTER_HOME/dagster.yaml"

# dagster-dbt reads target/manifest.json: re-parse only when the dbt project changed.
DBT_SOURCES := dbt_project.yml profiles.yml $(shell find models seeds macros -type f 2>/dev/null)
target/manifest.json: $(STAMP) $(ENGINE_EXTRAS) $(DBT_SOURCES)
	$(VENV)/bin/dbt parse --quiet --project-dir . --profiles-dir .

dbt-parse: target/manifest.json

## Build and validate the warehouse end to end through Dagster.
run: install $(ENGINE_EXTRAS) dbt-parse dagster-home
	$(PY) -m orchestration.run

## A damaged warehouse: move it aside and build it again (landed exports and salt are kept).
rebuild: install dbt-parse dagster-home
	$(PY) -m orchestration.rebuild
## Land a held export anyway, then build: make accept EXPORT=data/landing/2021_business.csv
## (docs/landing.md, "Held exports").
accept: install
	@test -n "$(EXPORT)" || { echo "usage: make accept EXPORT=data/landing/<file>.csv"; exit 2; }
	$(PY) -m tendensen.landing accept $(EXPORT)
	$(MAKE) run

## Withdraw the landed export of an edition x audience, then rebuild: make withdraw EXPORT=2027_business
withdraw: install
	@test -n "$(EXPORT)" || { echo "usage: make withdraw EXPORT=<edition_id>_<audience>"; exit 2; }
	$(PY) -m tendensen.landing withdraw $(EXPORT)
	$(MAKE) run

## Run the test suite (tests/conftest.py parses the dbt project first): every test but the
## Spark engine's, which take ~7 min alone (`make test-spark`; CI runs both, .ci/run).
## Two workers, a module each at a time (pytest-xdist): 7 min instead of 11.4 on 2 cores.
## The report test renders the page in Debian's Chromium, installed here if missing.
test: install $(SPARK_STAMP) dagster-home
	bash scripts/ensure_chromium.sh
	$(PY) -m pytest -m "not spark" -n 2 --dist loadfile

## The pipeline on Apache Spark, local mode (tests/test_spark.py; docs/spark.md).
test-spark: install $(SPARK_STAMP) dagster-home
	$(PY) -m pytest -m spark

## The fast loop: the pure-function tests, without dbt, Dagster or the pipeline; two workers
## (35 s instead of 55 s on 2 cores; the target is 30 s, docs/testing.md).
test-fast: install
	$(PY) -m pytest -m "not pipeline" -q -n 2

## Lint (CI runs it before the tests): ruff over the Python, sqlfluff over the dbt models and
## macros, the seeds' consistency check; the format check last (docs/developing.md).
## sqlfluff's dbt templater compiles the project: against a scratch warehouse under target/,
## so linting never opens, or waits for, the real one. It skips macro files: macros/ is
## linted as rendered in the models that call it.
LINT_WAREHOUSE := target/lint/warehouse.duckdb
lint: install
	$(VENV)/bin/ruff check .
	mkdir -p $(dir $(LINT_WAREHOUSE))
	WAREHOUSE_PATH=$(LINT_WAREHOUSE) $(VENV)/bin/sqlfluff lint models
	@# the whole sum report only when a check fails; its verdict line otherwise
	@out=$$($(PY) scripts/check_seed_sums.py 2>&1) || { echo "$$out"; exit 1; }; echo "$$out" | tail -n 1
	$(VENV)/bin/ruff format --check --output-format concise .

## The GX suites (expectations/*.json) and the rules table of docs/validation.md, written from
## the rule registry tendensen/validation/rules.py (docs/validation.md, "Adding a rule").
rules: install
	$(PY) -m tendensen.validation.rule_files

## Static HTML report of every question (charts + validation findings), from the serving copy.
report: install
	$(PY) -m tendensen.report

## Benchmarks (not part of `make test`): pipeline vs a raw DuckDB baseline, 1k..1M respondents.
## About 30 minutes; writes bench/RESULTS.md and bench/growth.png.
bench: install dbt-parse
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) -m bench.run

## Open the Dagster UI on http://127.0.0.1:3000 (asset graph, checks, schedule, sensor);
## DEV_PORT=... for another port. `dg dev` finds the project through pyproject.toml.
DEV_PORT ?= 3000
dev: install dbt-parse dagster-home
	umask 077 && VIRTUAL_ENV="$(CURDIR)/$(VENV)" $(VENV)/bin/dg dev --host 127.0.0.1 --port $(DEV_PORT)

## Generate the dbt docs (every public model and column described) and serve them on :8080.
docs: install dbt-parse
	$(VENV)/bin/dbt docs generate --project-dir . --profiles-dir .
	$(VENV)/bin/dbt docs serve --project-dir . --profiles-dir . --host 127.0.0.1 --port 8080 --no-browser

clean:
	rm -rf target logs data .dagster_home
