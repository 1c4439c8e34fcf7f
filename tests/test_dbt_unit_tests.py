"""The dbt unit tests (`unit_tests:` beside the models) run here, against the built warehouse
(they need their input relations to exist); production builds leave them out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tendensen.settings import REPO_ROOT


def test_every_dbt_unit_test_passes(built_warehouse, tmp_path):
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(built_warehouse.path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    statuses = dbt_unit_test_statuses(env, tmp_path / "target", timeout=600)
    assert len(statuses) >= 13
    assert set(statuses.values()) == {"pass"}


def dbt_unit_test_statuses(env: dict[str, str], target_path: Path, timeout: float) -> dict[str, str]:
    """`dbt test --select test_type:unit` on the project (the engine is the env's), and each unit
    test's status. Other results (the on-run-start hook's "success") are left out."""
    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "test",
            "--select",
            "test_type:unit",
            "--project-dir",
            str(REPO_ROOT),
            "--profiles-dir",
            str(REPO_ROOT),
            "--target-path",
            str(target_path),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    return {
        result["unique_id"]: result["status"]
        for result in results
        if result["unique_id"].startswith("unit_test.")
    }
