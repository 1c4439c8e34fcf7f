"""Where things live. One place, so dbt, the checks and the scripts agree."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE = Path("data") / "warehouse.duckdb"
ENGINES = ("duckdb", "spark")


def warehouse_path() -> Path:
    """The warehouse file: `WAREHOUSE_PATH` or data/warehouse.duckdb.

    A relative path is taken from the repository root, as dbt (which runs with the
    project directory as its working directory) resolves it.
    """
    path = Path(os.environ.get("WAREHOUSE_PATH") or DEFAULT_WAREHOUSE)
    return path if path.is_absolute() else REPO_ROOT / path


def engine() -> str:
    """The engine the warehouse is built on: `TENDENSEN_ENGINE`, `duckdb` (default) or `spark`
    (the dbt target of the same name in profiles.yml; docs/spark.md)."""
    name = os.environ.get("TENDENSEN_ENGINE") or "duckdb"
    if name not in ENGINES:
        raise ValueError(f"TENDENSEN_ENGINE={name!r}: use one of {', '.join(ENGINES)}.")
    return name


def spark_dir() -> Path:
    """The Spark warehouse (tables) and its metastore: `spark/` beside WAREHOUSE_PATH (whose
    DuckDB file the Spark engine leaves alone). The pipeline passes it to dbt as
    `TENDENSEN_SPARK_DIR` (profiles.yml); by hand dbt defaults to data/spark, the same."""
    return data_dir() / "spark"


def data_dir() -> Path:
    """Folder for generated artefacts (warehouse, data docs): beside the warehouse."""
    return warehouse_path().parent


def default_dagster_home() -> Path:
    """The Dagster instance of this warehouse (run history, sensor cursor) when
    `DAGSTER_HOME` is not set: beside it, so `make run` and `make dev` share it."""
    return data_dir() / "dagster"


def dbt_run_results_path() -> Path:
    """dbt's run_results.json of the last build of this warehouse."""
    return data_dir() / "dbt_run_results.json"


def dbt_parse_state_path() -> Path:
    """dbt's partial-parse state of the last build of this warehouse (see assets.py)."""
    return data_dir() / "dbt_partial_parse.msgpack"


def full_build_record_path() -> Path:
    """The dbt project fingerprint of the last full build (tendensen/dbt/project_state.py)."""
    return data_dir() / "dbt_project_built.json"


def serving_path() -> Path:
    """The validated copy BI tools read (write-audit-publish); never opened read-write by readers."""
    return data_dir() / "serving" / "tendensen.duckdb"


def spark_serving_dir() -> Path:
    """What the Spark engine publishes: versioned Parquet folders and the `current` pointer."""
    return data_dir() / "serving" / "spark"


def parquet_dir() -> Path:
    """The public marts as Parquet; `current` is a link to the latest published version."""
    return data_dir() / "serving" / "parquet"


def landing_dir() -> Path:
    """Where SurveyMonkey exports are dropped (watched by the landing sensor)."""
    return data_dir() / "landing"


def landed_dir() -> Path:
    """Anonymised, canonical Parquet files of the landed exports (read by dbt)."""
    return data_dir() / "landed"


def salt_path() -> Path:
    """The secret salt of respondent keys: never in git, never in the data folder or the
    warehouse (a copy of data/ must not carry it; `make clean` must not lose it).

    `TENDENSEN_SALT_FILE`, else `$XDG_CONFIG_HOME/tendensen/respondent_salt` (by default
    `~/.config/tendensen/respondent_salt`). Tests set the variable: they never touch the home.
    """
    configured = os.environ.get("TENDENSEN_SALT_FILE")
    if configured:
        return Path(configured).expanduser()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "tendensen" / "respondent_salt"


def legacy_salt_path() -> Path:
    """Where versions before the salt moved out of data/ kept it (moved at the next landing)."""
    return data_dir() / ".respondent_salt"


def withdrawn_dir() -> Path:
    """Where `python -m tendensen.landing withdraw` moves a withdrawn export file."""
    return data_dir() / "withdrawn"
