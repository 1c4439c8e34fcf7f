"""The publish step as a Dagster asset: it runs only after every blocking check passed."""

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.defs.asset_keys import SERVING
from orchestration.defs.dbt.assets import tendensen_dbt_assets
from tendensen.settings import engine, parquet_dir, serving_path, spark_serving_dir, warehouse_path

PUBLIC_MART_KEYS = [key for key in tendensen_dbt_assets.keys if key.path[0] == "marts"]


@dg.asset(
    key=SERVING,
    deps=PUBLIC_MART_KEYS,
    group_name="serving",
    description=(
        "The validated serving copy for BI tools (data/serving/tendensen.duckdb, schemas marts and "
        "audit) and the public marts as Parquet (data/serving/parquet/current/). Published "
        "atomically, and only when every blocking check of the marts passed."
    ),
)
def serving_copy(context: AssetExecutionContext) -> dg.MaterializeResult:
    if engine() == "spark":
        return publish_on_spark(context)
    from tendensen.serving.publish import publish

    published = publish(warehouse_path(), serving_path(), parquet_dir())
    context.log.info(f"Published {published.serving_path} and {published.parquet_path}")
    return dg.MaterializeResult(
        metadata={
            "serving_path": dg.MetadataValue.path(str(published.serving_path)),
            "parquet_path": dg.MetadataValue.path(str(published.parquet_path.resolve())),
            "row_counts": dg.MetadataValue.json(published.row_counts),
            "answer_shares_rows": published.row_counts.get("marts.answer_shares", 0),
            # respondent-grain Parquet per landing: written anew vs reused unchanged
            "landings_written": published.landings_written,
            "landings_linked": published.landings_linked,
            # the serving copy started from the previous one (only changed landings' rows copied)
            "serving_updated": published.serving_updated,
        }
    )


def publish_on_spark(context: AssetExecutionContext) -> dg.MaterializeResult:
    """Spark's publish: versioned Parquet folders, one pointer, catalog tables over it."""
    from tendensen.spark.publish import publish
    from tendensen.spark.session import spark_session

    with spark_session() as spark:
        published = publish(spark, spark_serving_dir())
    context.log.info(f"Published {published.version} as {published.root / 'current'}")
    return dg.MaterializeResult(
        metadata={
            "engine": "spark",
            "serving_path": dg.MetadataValue.path(str(published.root / "current")),
            "version": dg.MetadataValue.path(str(published.version)),
            "row_counts": dg.MetadataValue.json(published.row_counts),
            "answer_shares_rows": published.row_counts.get("marts.answer_shares", 0),
        }
    )
