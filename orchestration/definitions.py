"""The one Definitions object of the project (`dagster dev -m orchestration.definitions`)."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.assets import tendensen_dbt_assets
from orchestration.jobs import build_warehouse
from orchestration.project import tendensen_project

defs = dg.Definitions(
    assets=[tendensen_dbt_assets],
    jobs=[build_warehouse],
    resources={"dbt": DbtCliResource(project_dir=tendensen_project)},
)
