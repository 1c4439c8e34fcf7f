"""The landing sensor: new or changed exports in data/landing/ start a run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg

from orchestration.defs.jobs import add_landed_exports, build_warehouse
from orchestration.defs.landing.assets import exports_in
from tendensen.dbt.project_state import project_unchanged_since_full_build
from tendensen.settings import landed_dir, landing_dir
from tendensen.writer_lock import current_holder


def export_state(folder: Path) -> dict[str, str]:
    """File name -> size and modification time of every export in the landing folder."""
    return {path.name: f"{path.stat().st_size}:{path.stat().st_mtime_ns}" for path in exports_in(folder)}


def changed_exports(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    """Exports that are new or changed since the previous look (removals trigger nothing)."""
    return sorted(name for name, state in current.items() if previous.get(name) != state)


def already_landed(path: Path) -> bool:
    """This very export (its sha256, the landing's export_id) is the one landed: a run started
    outside this sensor (`make run`, whose runs do not move the sensor's cursor) landed it.

    The landing's quick check (size, modification time, inode) answers without reading the
    file when it can; otherwise the file is hashed (a few seconds per GB, and only for a
    new or changed file).
    """
    import duckdb

    from tendensen.landing.land import remembered_export_id

    respondents = landed_dir() / "respondents"
    if not any(respondents.glob("*.parquet")):
        return False
    export_id = remembered_export_id(landed_dir(), path) or sha256_of(path)
    with duckdb.connect() as con:
        return con.execute(
            "select count(*) > 0 from read_parquet(?) where export_id = ?",
            [str(respondents / "*.parquet"), export_id],
        ).fetchone()[0]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


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
    holder = current_holder()
    if holder is not None:
        # a build is landing and building right now: look again once it is done (cursor kept)
        return dg.SkipReason(f"the warehouse is being written by {holder.describe()}")
    current = export_state(landing_dir()) if landing_dir().exists() else {}
    previous = json.loads(context.cursor) if context.cursor else {}
    changed = changed_exports(previous, current)
    landed = [name for name in changed if already_landed(landing_dir() / name)]
    changed = [name for name in changed if name not in landed]
    context.update_cursor(json.dumps(current, sort_keys=True))
    if not changed:
        return dg.SkipReason(
            "no new or changed export in the landing folder"
            + (f" ({', '.join(landed)}: landed already)" if landed else "")
        )
    return dg.RunRequest(
        run_key=json.dumps({name: current[name] for name in changed}, sort_keys=True),
        job_name=job_for_new_exports().name,
        tags={"tendensen/exports": ", ".join(changed)[:200]},
    )
