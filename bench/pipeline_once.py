"""One full pipeline run (landing, dbt build, checks, publish) on a benchmark case.

    python -m bench.pipeline_once WAREHOUSE_DIR EXPORTS_DIR [JOB]

Links the exports into WAREHOUSE_DIR/landing, runs JOB (default `build_warehouse`; the
landing sensor's `add_landed_exports` to add exports to a built warehouse) in-process with
the warehouse at WAREHOUSE_DIR/warehouse.duckdb, and prints one JSON line: the wall time of
each stage (from Dagster's step events) and whether the run succeeded.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

STAGES = {
    "landing__responses": "landing",
    "tendensen_dbt_assets": "dbt build",
    "share_checks": "checks",
    "serving__tendensen": "publish",
}


def link_exports(exports: Path, landing: Path) -> None:
    landing.mkdir(parents=True, exist_ok=True)
    for export in sorted(exports.iterdir()):
        target = landing / export.name
        if not target.exists():
            os.link(export, target)  # no copy of gigabytes: same file, second name


def stage_seconds(instance, run_id: str) -> dict[str, float]:
    """Wall time per stage, from the step statistics Dagster keeps for the run."""
    return {
        STAGES[stats.step_key]: stats.end_time - stats.start_time
        for stats in instance.get_run_step_stats(run_id)
        if stats.step_key in STAGES
    }


def dbt_node_seconds(run_results: Path, at_least: float = 0.5) -> dict[str, float]:
    """Seconds per dbt node (models, tests, seeds) that took `at_least`, from the build's
    run_results.json (tendensen.settings.dbt_run_results_path), slowest first."""
    if not run_results.exists():
        return {}
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    timed = sorted(((r["execution_time"], r["unique_id"]) for r in results), reverse=True)
    return {unique_id.split(".", 2)[-1]: seconds for seconds, unique_id in timed if seconds >= at_least}


def main(warehouse_dir: Path, exports: Path, job_name: str = "build_warehouse") -> dict:
    os.environ["WAREHOUSE_PATH"] = str(warehouse_dir / "warehouse.duckdb")
    link_exports(exports, warehouse_dir / "landing")
    begin = time.perf_counter()
    import dagster as dg

    from orchestration.definitions import defs  # imported after WAREHOUSE_PATH is set
    from tendensen.settings import dbt_run_results_path

    instance = dg.DagsterInstance.ephemeral()
    # Every check runs as in production, computed_matches_published included: the bench's
    # exports are generated with --exact (largest remainders of the published shares), so
    # they reproduce the published marginals at every size and the publish step runs.
    job = defs.resolve_job_def(job_name)
    result = job.execute_in_process(
        raise_on_error=False,
        instance=instance,
        run_config={"ops": {"landing__responses": {"config": {"generate_demo_if_empty": False}}}},
    )
    stages = stage_seconds(instance, result.run_id)
    if result.success and "publish" not in stages:
        print("the run succeeded without publishing (a check blocked the serving copy?)", flush=True)
    return {
        "success": result.success and "publish" in stages,  # every case runs the whole pipeline
        "total": time.perf_counter() - begin,
        "stages": stages,
        "dbt_nodes": dbt_node_seconds(dbt_run_results_path()),
    }


if __name__ == "__main__":
    outcome = main(Path(sys.argv[1]), Path(sys.argv[2]), *sys.argv[3:4])
    print("BENCH " + json.dumps(outcome), flush=True)
    sys.exit(0 if outcome["success"] else 1)
