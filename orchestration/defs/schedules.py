"""Schedules."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.jobs import build_warehouse

weekly_rebuild = dg.ScheduleDefinition(
    name="weekly_rebuild",
    job=build_warehouse,
    cron_schedule="0 6 * * 1",  # Mondays 06:00: new seeds committed during the week land then
    execution_timezone="Europe/Brussels",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
