"""The share checks on Spark: the same rule SQL (tendensen/validation/rules.py) runs through
the Spark session, the same Great Expectations validation and acknowledgements
(`share_checks.check_groups`) judge the group rows, and the rows are appended to the Spark
table `audit.share_checks`, the shape dbt declared (macros/create_audit_tables.sql).
Only aggregates reach pandas: a few hundred group rows, never the answers."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import pandas as pd

from tendensen.spark.session import spark_session
from tendensen.validation.rules import RULES, Rule
from tendensen.validation.share_checks import (
    _ACKNOWLEDGEMENTS_SQL,
    AUDIT_COLUMNS,
    LOCATORS_SQL_TEMPLATE,
    check_groups,
    with_locators,
)

# share_checks' locators query in Spark SQL: the same rows (Spark's string_agg takes no
# `order by` inside, so the distinct locators are sorted as an array, then joined).
LOCATORS_SQL = LOCATORS_SQL_TEMPLATE.format(
    sorted_locators="array_join(array_sort(collect_set(shares.source_locator)), '; ')"
)


def to_pandas(frame) -> pd.DataFrame:
    """A Spark result as pandas, decimals as floats (Spark types `0.5 * n` and `0.0` as
    decimals, DuckDB's results reach pandas as floats): the same frame either engine gives."""
    from pyspark.sql.functions import col
    from pyspark.sql.types import DecimalType

    columns = [
        col(field.name).cast("double").alias(field.name)
        if isinstance(field.dataType, DecimalType)
        else col(field.name)
        for field in frame.schema.fields
    ]
    return frame.select(*columns).toPandas()


def read_groups(spark, rules: list[Rule] = RULES) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Each rule's group rows and the acknowledged anomalies, aggregated by Spark."""
    groups = {rule.name: to_pandas(spark.sql(rule.sql)) for rule in rules}
    return groups, to_pandas(spark.sql(_ACKNOWLEDGEMENTS_SQL))


def write_audit(spark, rows: pd.DataFrame) -> None:
    """Append this run's rows to audit.share_checks (earlier runs stay as the history)."""
    schema = spark.table("audit.share_checks").schema
    if [field.name for field in schema.fields] != AUDIT_COLUMNS:
        raise RuntimeError(
            f"audit.share_checks has columns {[field.name for field in schema.fields]}, "
            f"expected {AUDIT_COLUMNS} (macros/create_audit_tables.sql)"
        )
    records = [
        tuple(
            _plain(value, field.dataType.typeName()) for value, field in zip(row, schema.fields, strict=True)
        )
        for row in rows[AUDIT_COLUMNS].itertuples(index=False, name=None)
    ]
    spark.createDataFrame(records, schema).write.insertInto("audit.share_checks")


def _plain(value, type_name: str):
    """A pandas cell as the Python value Spark's column type takes (NaN and NaT: null)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if type_name == "integer":
        return int(value)
    if type_name == "double":
        return float(value)
    if type_name == "boolean":
        return bool(value)
    if type_name == "timestamp":
        return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
    return str(value) if not isinstance(value, datetime) else value


def run_share_checks(
    run_id: str, docs_dir: Path | None = None, rules: list[Rule] = RULES, folder: Path | None = None
) -> pd.DataFrame:
    """share_checks.run_share_checks on the Spark warehouse: read, validate, acknowledge,
    record; returns this run's audit rows with each published group's locator and item id."""
    with spark_session(folder) as spark:
        groups, acknowledgements = read_groups(spark, rules)
        rows = check_groups(groups, acknowledgements, run_id, docs_dir)
        write_audit(spark, rows)
        locators = to_pandas(spark.sql(LOCATORS_SQL))
    return with_locators(rows, locators)


def checks_of_run(spark, run_id: str) -> pd.DataFrame:
    """The audit rows one run wrote on Spark, with locators (share_checks.checks_of_run)."""
    rows = to_pandas(spark.sql("select * from audit.share_checks where run_id = ?", args=[run_id]))
    return with_locators(rows, to_pandas(spark.sql(LOCATORS_SQL)))


def table_row_counts(spark, schema: str) -> dict[str, int]:
    """Rows of every table (not view) of a schema, by name (warehouse.table_row_counts)."""
    tables = sorted(
        table.name
        for table in spark.catalog.listTables(schema)
        if table.tableType != "VIEW" and not table.isTemporary
    )
    return {name: spark.table(f"{schema}.{name}").count() for name in tables}
