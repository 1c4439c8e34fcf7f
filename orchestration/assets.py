"""dbt seeds, models and tests as Dagster assets and asset checks."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.project import tendensen_project


@dbt_assets(manifest=tendensen_project.manifest_path, project=tendensen_project)
def tendensen_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build`: seeds, models and their tests in dependency order."""
    yield from dbt.cli(["build"], context=context).stream()
