"""The same dbt project, checks and publish on Apache Spark (local mode, dbt-spark `session`).

One Spark run of the `build_warehouse` job (seeds, the synthetic 2021 exports, every model
and dbt test, the Great Expectations share checks, the publish), compared with the DuckDB
build of the session (`built_warehouse`): `marts.answer_shares` row for row, and the checks'
verdicts group for group. The dbt unit tests then run on the Spark warehouse too.
Spark and its JVM are slow to start: one build for the module.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from test_dbt_unit_tests import dbt_unit_test_statuses

pytestmark = [pytest.mark.pipeline, pytest.mark.spark]

ANSWER_SHARES = "select * from marts.answer_shares"
# A sum of doubles depends on the order of its terms, which differs between the engines'
# aggregations (300.00000000000006 on one, 299.99999999999994 on the other): the checks'
# observed sums compare to 9 decimals. The shares themselves compare exactly.
SUM_DIGITS = 9
# The checks' verdicts without the run's id and time.
CHECK_COLUMNS = (
    "rule, edition_id, audience, question_id, item_label, source_report, source_figure, "
    "observed, lower_bound, upper_bound, passed, acknowledged, note"
)


@dataclass
class SparkBuild:
    data: Path
    result: object  # dagster ExecuteInProcessResult
    answer_shares: list[tuple]
    answer_shares_columns: list[str]
    checks: list[tuple]


def comparable(rows, float_digits: int | None = None) -> list[tuple]:
    """Rows sorted, nulls and NaN as None, so that two engines' results compare as lists;
    floats rounded to `float_digits` where given."""

    def plain(value):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if float_digits is not None and isinstance(value, float):
            return round(value, float_digits)
        return value

    return sorted((tuple(plain(value) for value in row) for row in rows), key=repr)


@pytest.fixture(scope="module")
def spark_build(built_warehouse, tmp_path_factory) -> SparkBuild:
    """build_warehouse on Spark, in a data folder of its own (the salt is the session's)."""
    from orchestration.definitions import defs
    from tendensen.spark.session import spark_session

    data = tmp_path_factory.mktemp("spark-data")
    patch = pytest.MonkeyPatch()
    patch.setenv("WAREHOUSE_PATH", str(data / "warehouse.duckdb"))
    patch.setenv("TENDENSEN_ENGINE", "spark")
    patch.setenv("TENDENSEN_SPARK_DIR", str(data / "spark"))  # restored afterwards
    try:
        result = defs.resolve_job_def("build_warehouse").execute_in_process(raise_on_error=False)
        with spark_session(data / "spark") as spark:
            shares = spark.sql(ANSWER_SHARES)
            answer_shares = [tuple(row) for row in shares.collect()]
            checks = [
                tuple(row) for row in spark.sql(f"select {CHECK_COLUMNS} from audit.share_checks").collect()
            ]
            columns = shares.columns
    finally:
        patch.undo()
    return SparkBuild(data, result, comparable(answer_shares), columns, comparable(checks, SUM_DIGITS))


def test_the_whole_pipeline_succeeds_on_spark(spark_build):
    failures = [event.step_key for event in spark_build.result.all_events if event.is_step_failure]
    assert spark_build.result.success, f"failed steps: {failures}"
    assert not (spark_build.data / "warehouse.duckdb").exists()  # nothing was built on DuckDB


def test_answer_shares_on_spark_equal_duckdb_row_for_row(spark_build, built_warehouse):
    duckdb_columns = [row[0] for row in built_warehouse.rows("describe marts.answer_shares")]
    assert spark_build.answer_shares_columns == duckdb_columns
    duckdb_rows = comparable(built_warehouse.rows(ANSWER_SHARES))
    assert len(spark_build.answer_shares) == len(duckdb_rows) > 0
    # both published and computed (synthetic 2021 exports) shares
    sources = {row[duckdb_columns.index("source")] for row in duckdb_rows}
    assert sources == {"published", "responses"}
    assert spark_build.answer_shares == duckdb_rows


def test_share_checks_on_spark_give_duckdb_verdicts(spark_build, built_warehouse):
    duckdb_checks = comparable(
        built_warehouse.rows(
            f"select {CHECK_COLUMNS} from audit.share_checks where run_id = ?",
            [built_warehouse.result.run_id],
        ),
        SUM_DIGITS,
    )
    assert len(spark_build.checks) == len(duckdb_checks) > 100
    assert spark_build.checks == duckdb_checks


def test_spark_publish_swaps_a_pointer_to_a_complete_version(spark_build, built_warehouse):
    current = spark_build.data / "serving" / "spark" / "current"
    assert current.is_symlink() and not os.path.isabs(os.readlink(current))  # relative: the folder can move
    con = duckdb.connect()
    try:
        published = con.execute(
            "select count(*) from read_parquet(?)", [str(current / "marts" / "answer_shares" / "*.parquet")]
        ).fetchone()[0]
    finally:
        con.close()
    assert published == len(spark_build.answer_shares)
    relations = {f"{schema.name}.{table.name}" for schema in current.iterdir() for table in schema.iterdir()}
    assert {"marts.answer_shares", "marts.edition_summary", "audit.latest_share_checks"} <= relations


def test_dbt_unit_tests_pass_on_spark(spark_build, tmp_path):
    env = {
        **os.environ,
        "TENDENSEN_ENGINE": "spark",
        "TENDENSEN_SPARK_DIR": str(spark_build.data / "spark"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    statuses = dbt_unit_test_statuses(env, tmp_path / "target", timeout=900)
    assert len(statuses) >= 13
    assert set(statuses.values()) == {"pass"}
