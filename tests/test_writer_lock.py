"""One writer of the warehouse at a time, with real processes (tendensen/writer_lock.py).

A stand-in holder process takes the lock as a build does; the second writers are the real
commands: `make run`'s module and `dbt` from the virtualenv (through the profile's plugin).
The same with a real Dagster build holding it: tests/test_dagster_ui.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tendensen.settings import REPO_ROOT
from tendensen.writer_lock import current_holder, lock_path

HOLDER = """
import sys, time
from pathlib import Path
from tendensen.writer_lock import hold_writer_lock
with hold_writer_lock("the test's stand-in build", warehouse=Path(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
"""

WAITER = """
import sys
from pathlib import Path
from tendensen.writer_lock import WarehouseBusy, hold_writer_lock
try:
    with hold_writer_lock("the waiter", warehouse=Path(sys.argv[1]), wait=float(sys.argv[2])):
        print("got the lock", flush=True)
except WarehouseBusy as busy:
    print(busy, flush=True)
    sys.exit(2)
"""


def environment(warehouse: Path, wait_seconds: str) -> dict[str, str]:
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "TENDENSEN_WRITER_WAIT_SECONDS": wait_seconds,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DAGSTER_HOME": str(warehouse.parent / "dagster"),
    }
    env.pop("TENDENSEN_WRITER_TOKEN", None)
    return env


def start_holder(warehouse: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        start_new_session=True,
    )
    assert holder.stdout.readline().strip() == "holding"
    return holder


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def assert_plain_refusal(output: str) -> None:
    assert "is being written by the test's stand-in build (pid " in output, output[-3000:]
    assert "Wait for that build to finish" in output
    for raw in ("IOException", "Could not set lock", "Traceback"):
        assert raw not in output, output[-3000:]


def test_second_make_run_is_refused_in_plain_words(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = start_holder(warehouse, 60)
    try:
        started = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "orchestration.run"],
            cwd=REPO_ROOT,
            env=environment(warehouse, "0"),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        stop(holder)
    assert second.returncode == 2
    assert_plain_refusal(second.stdout + second.stderr)
    assert time.monotonic() - started < 30  # told before the slow imports, not after a build
    assert not warehouse.exists()  # it touched nothing


def test_dbt_by_hand_during_a_build_is_refused_in_plain_words(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = start_holder(warehouse, 120)
    try:
        dbt = subprocess.run(
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
            env=environment(warehouse, "0"),
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        stop(holder)
    assert dbt.returncode != 0
    assert_plain_refusal(dbt.stdout + dbt.stderr)


def test_a_second_writer_waits_saying_so_and_goes_on_when_the_first_ends(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = start_holder(warehouse, 3)
    try:
        waiter = subprocess.run(
            [sys.executable, "-c", WAITER, str(warehouse), "60"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        stop(holder)
    assert waiter.returncode == 0, waiter.stdout + waiter.stderr
    assert "Waiting for the test's stand-in build (pid " in waiter.stderr
    assert "waiting up to 60 s" in waiter.stderr
    assert "got the lock" in waiter.stdout


def test_the_wait_is_bounded(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = start_holder(warehouse, 60)
    try:
        started = time.monotonic()
        waiter = subprocess.run(
            [sys.executable, "-c", WAITER, str(warehouse), "2"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        stop(holder)
    assert waiter.returncode == 2
    assert "stopped after waiting 2 s" in waiter.stdout
    assert time.monotonic() - started < 30


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = start_holder(warehouse, 60)
    assert current_holder(warehouse).what == "the test's stand-in build"
    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    assert lock_path(warehouse).exists()
    assert current_holder(warehouse) is None


@pytest.mark.parametrize("value", ["soon", "-"])
def test_a_wait_that_is_not_a_number_is_named(tmp_path, value):
    warehouse = tmp_path / "warehouse.duckdb"
    second = subprocess.run(
        [sys.executable, "-m", "orchestration.run"],
        cwd=REPO_ROOT,
        env=environment(warehouse, value),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 2
    assert f"TENDENSEN_WRITER_WAIT_SECONDS={value!r} is not a number of seconds." in second.stderr
    assert "Traceback" not in second.stderr
