"""The Dagster operator's day, with real processes: `make run`, then `make dev` on the same
instance, a run launched through GraphQL (as the UI's Launch button does), and a second
writer started while that run builds.

One test, because each step needs the previous one's state and a build costs tens of
seconds: `make run`'s run is in the instance the UI reads; the landing sensor does not
re-run the exports `make run` landed; the UI's run succeeds; a `make run` and a `dbt` by
hand started during it are told who is writing, in plain words.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.dagster_ui import (
    free_port,
    graphql,
    launch_run,
    run_status,
    runs,
    sensor_ticks,
    start_make_dev,
    stop_make_dev,
    wait_for_run,
    wait_until_serving,
)
from tendensen.settings import REPO_ROOT
from tendensen.writer_lock import current_holder

ASSETS_QUERY = """
{ assetNodes { assetKey { path } groupName assetChecksOrError { ... on AssetChecks { checks { name } } } } }
"""


def environment(warehouse: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "DAGSTER_HOME": str(warehouse.parent / "dagster"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **extra,
    }
    env.pop("TENDENSEN_WRITER_TOKEN", None)
    return env


def make_run(warehouse: Path, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.run"],
        cwd=REPO_ROOT,
        env=environment(warehouse, **extra),
        capture_output=True,
        text=True,
        timeout=900,
    )


def dbt_show_by_hand(warehouse: Path, tmp_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dbt"),
            "show",
            "--inline",
            "select 1 as one",
            "--project-dir",
            str(REPO_ROOT),
            "--profiles-dir",
            str(REPO_ROOT),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        cwd=REPO_ROOT,
        env=environment(warehouse, TENDENSEN_WRITER_WAIT_SECONDS="0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_dagster_run_holding_the_lock(warehouse: Path, port: int, run_id: str) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        holder = current_holder(warehouse)
        if holder is not None and run_id[:8] in holder.what:
            return
        assert run_status(port, run_id)["status"] not in {"SUCCESS", "FAILURE", "CANCELED"}
        time.sleep(0.2)
    raise AssertionError("the UI's run never held the writer lock")


def assert_told_who_writes(output: str, run_id: str) -> None:
    assert f"is being written by the Dagster run {run_id[:8]} of build_warehouse" in output, output[-3000:]
    for raw in ("IOException", "Could not set lock", "Traceback"):
        assert raw not in output, output[-3000:]


def test_make_run_then_make_dev_share_one_instance_and_one_writer(tmp_path):
    warehouse = tmp_path / "data" / "warehouse.duckdb"

    # make run: stage lines and its summary in the terminal, everything else in the log file
    first = make_run(warehouse)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "  [landing] started" in first.stdout and "  [publish] done in" in first.stdout
    assert "[dbt build] " in first.stdout and " nodes (100%)" in first.stdout  # its progress
    assert " - DEBUG - " not in first.stdout + first.stderr
    assert len(first.stdout.splitlines()) < 120
    log = warehouse.parent / "logs" / "make_run.log"
    assert f"Full log of the run: {log}" in first.stdout
    assert "STEP_SUCCESS" in log.read_text(encoding="utf-8")

    port = free_port()
    server = start_make_dev(port, environment(warehouse))
    try:
        wait_until_serving(port, server)
        # make run's run is in the UI's run history
        history = runs(port)
        assert [(run["jobName"], run["status"]) for run in history] == [("build_warehouse", "SUCCESS")]

        # the asset graph has one group per layer
        nodes = graphql(port, ASSETS_QUERY)["assetNodes"]
        groups = {"/".join(node["assetKey"]["path"]): node["groupName"] for node in nodes}
        assert groups["landing/responses"] == "landing"
        assert groups["raw/published_shares"] == "raw"
        assert groups["staging/stg_responses__answers"] == "staging"
        assert groups["marts/answer_shares"] == "marts"
        assert groups["serving/tendensen"] == "serving"
        assert "default" not in set(groups.values())
        checks = {
            check["name"] for node in nodes for check in (node["assetChecksOrError"] or {}).get("checks", [])
        }
        assert {"single_choice_sums_to_100", "multi_choice_within_max", "pct_in_range"} <= checks

        # the sensor's first look: the exports make run landed start nothing
        deadline = time.monotonic() + 120
        while not (ticks := sensor_ticks(port)) and time.monotonic() < deadline:
            time.sleep(1)
        assert ticks, "the landing sensor did not tick within 120 s"
        assert all(not tick["runIds"] for tick in ticks), ticks
        assert "landed already" in ticks[-1]["skipReason"]

        # the UI's Launch button: build_warehouse, in process
        run_id = launch_run(port, "build_warehouse")
        wait_for_dagster_run_holding_the_lock(warehouse, port, run_id)
        dbt = dbt_show_by_hand(warehouse, tmp_path)
        second = make_run(warehouse, TENDENSEN_WRITER_WAIT_SECONDS="0")
        dbt_output = dbt.communicate(timeout=300)[0]
        assert second.returncode == 2
        assert_told_who_writes(second.stdout + second.stderr, run_id)
        assert dbt.returncode != 0
        assert_told_who_writes(dbt_output, run_id)

        finished = wait_for_run(port, run_id)
        assert finished["status"] == "SUCCESS"
        assert len(runs(port)) == 2  # the refused make run started no run
    finally:
        stopped = stop_make_dev(server)
    assert stopped, "make dev did not stop within 90 s of SIGINT"
    assert group_members_after(server.pid, seconds=30) == ""


def group_members_after(group: int, seconds: float) -> str:
    """`ps` lines of the processes still in a process group once `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        pids = subprocess.run(["pgrep", "-g", str(group)], capture_output=True, text=True).stdout.split()
        if not pids or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    if not pids:
        return ""
    return subprocess.run(
        ["ps", "-o", "pid,args", "-p", ",".join(pids)], capture_output=True, text=True
    ).stdout
