"""Jobs: what a data engineer runs."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.asset_keys import ANSWER_SHARES, LANDED, SERVING

# Runs carrying this tag write the warehouse: the run queue (orchestration/dagster.yaml)
# lets one of them run at a time, since DuckDB allows a single writer.
WRITES_WAREHOUSE = {"tendensen/writes_warehouse": "true"}

build_warehouse = dg.define_asset_job(
    name="build_warehouse",
    selection=dg.AssetSelection.all(),
    tags=WRITES_WAREHOUSE,
    description=(
        "Load the seeds, build every dbt model, run dbt tests and the Great Expectations checks, "
        "then publish the serving copy if every blocking check passed."
    ),
)

add_landed_exports = dg.define_asset_job(
    name="add_landed_exports",
    # the landing and everything its data feeds (with their checks): the respondent models,
    # the shares, the marts over them, the publish step. Seeds and the codebook models are
    # left as the last full build made them (tendensen/dbt/project_state.py).
    selection=dg.AssetSelection.assets(LANDED).downstream(),
    tags=WRITES_WAREHOUSE,
    description=(
        "Land new or changed exports and rebuild only what their data feeds, then validate and "
        "publish. What the landing sensor starts while the dbt project is unchanged since the "
        "last full build (otherwise it starts build_warehouse)."
    ),
)

publish_warehouse = dg.define_asset_job(
    name="publish_warehouse",
    selection=dg.AssetSelection.checks_for_assets(ANSWER_SHARES) | dg.AssetSelection.assets(SERVING),
    tags=WRITES_WAREHOUSE,
    description="Re-validate the current warehouse (no rebuild) and publish it if every blocking check passes.",
)
