"""The one Definitions object of the project (`dagster dev -m orchestration.definitions`)."""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.assets import tendensen_dbt_assets
from orchestration.checks import share_checks
from orchestration.jobs import build_warehouse, validate_warehouse
from orchestration.project import tendensen_project

defs = dg.Definitions(
    assets=[tendensen_dbt_assets],
    asset_checks=[share_checks],
    jobs=[build_warehouse, validate_warehouse],
    resources={
        # The dbt of this interpreter's virtualenv, so an un-activated `.venv/bin/python` works.
        "dbt": DbtCliResource(
            project_dir=tendensen_project,
            dbt_executable=str(Path(sys.executable).parent / "dbt"),
        ),
    },
)
