"""Write-audit-publish with real clients: readers of the serving copy never block a build,
a killed build leaves the serving copy intact, `dagster dev` serves the asset graph."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tendensen.settings import REPO_ROOT

READER = """
import sys, time, json
from pathlib import Path
import sqlalchemy as sa
engine = sa.create_engine(f"duckdb:///{sys.argv[1]}?access_mode=read_only")
# reads until the test says the build is over (the stop file), at most 15 minutes
ok, errors, stop, deadline = 0, [], Path(sys.argv[2]), time.monotonic() + 900
with engine.connect() as con:
    print("connected", flush=True)
    while not stop.exists() and time.monotonic() < deadline:
        try:
            con.execute(sa.text("select count(*) from marts.answer_shares")).fetchall()
            ok += 1
        except Exception as error:  # report, never hide
            errors.append(repr(error))
        time.sleep(0.05)
print(json.dumps({"ok": ok, "errors": errors}), flush=True)
"""


def pipeline_env(warehouse: Path) -> dict[str, str]:
    env = {**os.environ, "WAREHOUSE_PATH": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    env.pop("DAGSTER_HOME", None)  # in-process runs on an ephemeral instance
    return env


def serving_of(warehouse: Path) -> Path:
    return warehouse.parent / "serving" / "tendensen.duckdb"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def serving_rows(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select count(*) from marts.answer_shares").fetchone()[0]


@pytest.fixture(scope="module")
def published(built_warehouse, tmp_path_factory) -> Path:
    """A private copy of the built warehouse and its serving copy, for tests that rebuild."""
    assert built_warehouse.result.success
    target = tmp_path_factory.mktemp("serving") / "warehouse.duckdb"
    shutil.copyfile(built_warehouse.path, target)
    serving_of(target).parent.mkdir(parents=True)
    shutil.copyfile(serving_of(built_warehouse.path), serving_of(target))
    return target


def test_build_publishes_public_schemas_only(built_warehouse):
    serving = serving_of(built_warehouse.path)
    with duckdb.connect(str(serving), read_only=True) as con:
        schemas = {
            name
            for (name,) in con.execute(
                "select distinct schema_name from duckdb_tables() where database_name = current_database()"
            ).fetchall()
        }
        assert schemas == {"marts", "audit"}
        assert con.execute("select count(*) from marts.answer_shares").fetchone()[
            0
        ] == built_warehouse.scalar("select count(*) from marts.answer_shares")
    parquet = serving.parent / "parquet" / "current" / "answer_shares.parquet"
    assert duckdb.sql(f"select count(*) from '{parquet}'").fetchall()[0][0] == built_warehouse.scalar(
        "select count(*) from marts.answer_shares"
    )


def test_reader_holding_the_serving_copy_does_not_block_a_build(published):
    serving = serving_of(published)
    before = serving.stat().st_ino
    stop = published.parent / "reader.stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(serving), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert reader.stdout.readline().strip() == "connected"
        build = subprocess.run(
            [sys.executable, "-m", "orchestration.run"],
            cwd=REPO_ROOT,
            env=pipeline_env(published),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert reader.poll() is None  # still reading when the build ended
        stop.touch()
        assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
        assert "Published the validated serving copy" in build.stdout
        assert serving.stat().st_ino != before  # a new file was renamed into place
        report = json.loads(reader.communicate(timeout=120)[0].strip().splitlines()[-1])
    finally:
        if reader.poll() is None:
            os.killpg(reader.pid, signal.SIGKILL)
    assert report["errors"] == []
    assert report["ok"] > 50  # the reader kept answering during the whole build
    assert serving_rows(serving) > 0


def test_build_killed_during_dbt_leaves_serving_copy_intact(published):
    serving = serving_of(published)
    before, rows_before = digest(serving), serving_rows(serving)
    build = subprocess.Popen(
        [sys.executable, "-m", "orchestration.run"],
        cwd=REPO_ROOT,
        env=pipeline_env(published),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        for line in build.stdout:  # wait until dbt is really writing the warehouse
            # `make run` prints dbt's progress once dbt ran its first node (the hook that
            # creates the audit tables): from then on dbt writes the warehouse
            if ("[dbt build] " in line and " nodes (" in line) or time.monotonic() > deadline:
                break
        assert build.poll() is None, "the build ended before dbt ran"
        os.killpg(build.pid, signal.SIGKILL)
        build.wait(timeout=30)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert build.returncode == -signal.SIGKILL
    assert digest(serving) == before
    assert serving_rows(serving) == rows_before
    assert not list(serving.parent.glob(".*.tmp"))  # nothing half-published left beside it
