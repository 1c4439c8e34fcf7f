"""The landing sensor: new or changed exports in data/landing/ start a run."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from orchestration.dbt_project_state import project_unchanged_since_full_build
from orchestration.jobs import add_landed_exports, build_warehouse
from orchestration.landing_assets import exports_in
from orchestration.settings import landing_dir


def export_state(folder: Path) -> dict[str, str]:
    """File name -> size and modification time of every export in the landing folder."""
    return {path.name: f"{path.stat().st_size}:{path.stat().st_mtime_ns}" for path in exports_in(folder)}


def changed_exports(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    """Exports that are new or changed since the previous look (removals trigger nothing)."""
    return sorted(name for name, state in current.items() if previous.get(name) != state)


def job_for_new_exports() -> dg.UnresolvedAssetJobDefinition:
    """Only what the landed data feeds, unless the dbt project changed since the last full
    build (or there was none): then everything."""
    return add_landed_exports if project_unchanged_since_full_build() else build_warehouse


@dg.sensor(
    name="landing_sensor",
    jobs=[add_landed_exports, build_warehouse],
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Starts add_landed_exports (landing included) when an export appears or changes in "
        "data/landing/; build_warehouse instead if the dbt project changed since the last full build."
    ),
)
def landing_sensor(context: dg.SensorEvaluationContext):
    current = export_state(landing_dir()) if landing_dir().exists() else {}
    previous = json.loads(context.cursor) if context.cursor else {}
    changed = changed_exports(previous, current)
    context.update_cursor(json.dumps(current, sort_keys=True))
    if not changed:
        return dg.SkipReason("no new or changed export in the landing folder")
    return dg.RunRequest(run_key=json.dumps({name: current[name] for name in changed}, sort_keys=True),
                         job_name=job_for_new_exports().name,
                         tags={"tendensen/exports": ", ".join(changed)[:200]})
