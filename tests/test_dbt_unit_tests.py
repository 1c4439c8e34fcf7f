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
    dbt = Path(sys.executable).parent / "dbt"
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(built_warehouse.path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    completed = subprocess.run(
        [
            str(dbt),
            "test",
            "--select",
            "test_type:unit",
            "--project-dir",
            str(REPO_ROOT),
            "--profiles-dir",
            str(REPO_ROOT),
            "--target-path",
            str(tmp_path / "target"),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    statuses = {
        result["unique_id"]: result["status"]
        for result in results
        if result["unique_id"].startswith("unit_test.")
    }
    assert len(statuses) >= 13
    assert set(statuses.values()) == {"pass"}
