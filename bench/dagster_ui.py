"""Drive `make dev` as a person in the UI would, through its GraphQL API (the UI's own).

Used by bench/ui_run.py (UI-launched run vs `make run`) and tests/test_dagster_ui.py.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCATION = "tendensen"  # [tool.dg.project] code_location_name in pyproject.toml
REPOSITORY = "__repository__"
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    if answer.get("errors"):
        raise RuntimeError(f"GraphQL errors: {answer['errors']}")
    return answer["data"]


def start_make_dev(port: int, env: dict[str, str]) -> subprocess.Popen:
    """`make dev` on `port`, in its own process group (stop it with stop_make_dev)."""
    return subprocess.Popen(
        ["setsid", "make", "--no-print-directory", "dev", f"DEV_PORT={port}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # A test run started in the background (`make test &`) ignores SIGINT, and children
        # inherit that: give the server the default handling, as a terminal would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def wait_until_serving(port: int, server: subprocess.Popen, timeout: float = 300) -> None:
    """Until the code location is loaded (the UI answers with the jobs)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"make dev exited with {server.returncode}")
        try:
            jobs = graphql(port, JOBS)["repositoryOrError"].get("jobs") or []
            if any(job["name"] == "build_warehouse" for job in jobs):
                return
        except (OSError, RuntimeError, KeyError, TypeError):
            pass
        time.sleep(1)
    raise TimeoutError(f"make dev did not serve the project within {timeout:.0f} s")


def stop_make_dev(server: subprocess.Popen, timeout: float = 90) -> bool:
    """SIGINT to the process group, as Ctrl-C would; True if it stopped within `timeout`."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        return False


JOBS = """
query { repositoryOrError(repositorySelector: {repositoryLocationName: "%s", repositoryName: "%s"}) {
  ... on Repository { jobs { name } } } }
""" % (LOCATION, REPOSITORY)

LAUNCH = """
mutation Launch($job: String!) {
  launchRun(executionParams: {
      selector: {repositoryLocationName: "%s", repositoryName: "%s", jobName: $job},
      runConfigData: {}}) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
""" % (LOCATION, REPOSITORY)

RUN = """
query Run($id: ID!) { runOrError(runId: $id) { ... on Run { runId status startTime endTime } } }
"""

RUNS = """
query { runsOrError { ... on Runs { results { runId jobName status } } } }
"""

SENSOR_TICKS = """
query { sensorOrError(sensorSelector: {repositoryLocationName: "%s", repositoryName: "%s",
                                       sensorName: "landing_sensor"}) {
  ... on Sensor { sensorState { ticks(limit: 10) { status skipReason runIds } } } } }
""" % (LOCATION, REPOSITORY)


def launch_run(port: int, job: str) -> str:
    result = graphql(port, LAUNCH, {"job": job})["launchRun"]
    if result["__typename"] != "LaunchRunSuccess":
        raise RuntimeError(f"launchRun({job}) answered {result}")
    return result["run"]["runId"]


def run_status(port: int, run_id: str) -> dict:
    return graphql(port, RUN, {"id": run_id})["runOrError"]


def wait_for_run(port: int, run_id: str, timeout: float = 900) -> dict:
    """The run once finished (status, startTime, endTime)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = run_status(port, run_id)
        if run["status"] in FINISHED:
            return run
        time.sleep(0.5)
    raise TimeoutError(f"run {run_id} did not finish within {timeout:.0f} s")


def runs(port: int) -> list[dict]:
    return graphql(port, RUNS)["runsOrError"]["results"]


def sensor_ticks(port: int) -> list[dict]:
    return graphql(port, SENSOR_TICKS)["sensorOrError"]["sensorState"]["ticks"]
