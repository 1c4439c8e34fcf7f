"""Jobs: what a data engineer runs."""

from __future__ import annotations

import dagster as dg

build_warehouse = dg.define_asset_job(
    name="build_warehouse",
    selection=dg.AssetSelection.all(),
    description="Load the seeds, build every dbt model, run dbt tests and the Great Expectations checks.",
)
