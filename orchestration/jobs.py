"""Jobs: what a data engineer runs."""

from __future__ import annotations

import dagster as dg

from orchestration.checks import ANSWER_SHARES

build_warehouse = dg.define_asset_job(
    name="build_warehouse",
    selection=dg.AssetSelection.all(),
    description="Load the seeds, build every dbt model, run dbt tests and the Great Expectations checks.",
)

validate_warehouse = dg.define_asset_job(
    name="validate_warehouse",
    selection=dg.AssetSelection.checks_for_assets(ANSWER_SHARES),
    description="Re-run the Great Expectations share checks on the current warehouse, without rebuilding it.",
)
