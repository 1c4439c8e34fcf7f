"""The one Definitions object of the project (`dagster dev -m orchestration.definitions`)."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.dbt.assets import audit_share_checks, tendensen_dbt_assets
from orchestration.defs.dbt.project import tendensen_project
from orchestration.defs.dbt.resource import TendensenDbtCliResource
from orchestration.defs.jobs import add_landed_exports, build_warehouse, publish_warehouse
from orchestration.defs.landing.assets import landed_responses
from orchestration.defs.landing.sensors import landing_sensor
from orchestration.defs.schedules import weekly_rebuild
from orchestration.defs.serving.assets import serving_copy
from orchestration.defs.validation.checks import share_checks
from orchestration.executor import one_writer_in_process_executor
from orchestration.run_log import make_run_logger

defs = dg.Definitions(
    assets=[landed_responses, tendensen_dbt_assets, serving_copy, audit_share_checks],
    asset_checks=[share_checks],
    jobs=[build_warehouse, add_landed_exports, publish_warehouse],
    schedules=[weekly_rebuild],
    sensors=[landing_sensor],
    # every run (UI, schedule, sensor, `dagster job execute`) in one process, one writer at a time
    executor=one_writer_in_process_executor,
    # runs log to Dagster's console logger unless their config selects another: `make run`
    # selects make_run (stage lines in the terminal, everything in a file)
    loggers={"console": dg.colored_console_logger, "make_run": make_run_logger},
    resources={"dbt": TendensenDbtCliResource(project_dir=tendensen_project, dbt_executable="tendensen-dbt")},
)
