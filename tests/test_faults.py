"""Faults leave nothing behind: leftovers of killed runs, a damaged warehouse, private files."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tendensen.faults import (
    STALE_SECONDS,
    close_folder,
    remove_leftovers,
    set_aside,
    warehouse_damage,
)


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_killed_runs_are_removed_and_live_ones_kept(tmp_path):
    data = tmp_path / "data"
    landed, serving, parquet = data / "landed", data / "serving", data / "serving" / "parquet"
    for folder in (landed, parquet):
        folder.mkdir(parents=True)
    killed_landing = landed / f".landing-{dead_pid()}-abc"
    live_landing = landed / f".landing-{os.getpid()}-def"  # a landing running right now
    for folder in (killed_landing, live_landing):
        folder.mkdir()
        (folder / "answers.parquet").write_bytes(b"x")
    old_publish = serving / ".tendensen.duckdb.0123.tmp"
    old_wal = serving / ".tendensen.duckdb.0123.tmp.wal"
    fresh_publish = serving / ".tendensen.duckdb.4567.tmp"  # a publish writing it now
    old_stats = landed / ".export_stats.json.89ab.tmp"
    for file in (old_publish, old_wal, fresh_publish, old_stats):
        file.write_bytes(b"x")
    old_link = parquet / ".current.cdef"
    old_link.symlink_to("v-gone")
    for path in (old_publish, old_wal, old_stats, old_link):
        age(path, STALE_SECONDS + 60)
    kept_file = data / "warehouse.duckdb"
    kept_file.write_bytes(b"x")
    age(kept_file, STALE_SECONDS + 60)

    removed = remove_leftovers(data)

    assert sorted(removed) == sorted(
        [
            f"landed/{killed_landing.name}",
            "serving/.tendensen.duckdb.0123.tmp",
            "serving/.tendensen.duckdb.0123.tmp.wal",
            "landed/.export_stats.json.89ab.tmp",
            "serving/parquet/.current.cdef",
        ]
    )
    assert live_landing.exists() and fresh_publish.exists() and kept_file.exists()
    assert remove_leftovers(data) == []


def test_a_stale_landing_folder_of_a_live_pid_goes_by_age(tmp_path):
    landed = tmp_path / "landed"
    folder = landed / f".landing-{os.getppid()}-x"  # alive, but untouched for hours
    folder.mkdir(parents=True)
    age(folder, STALE_SECONDS + 60)
    assert remove_leftovers(tmp_path) == [f"landed/{folder.name}"]


def test_a_damaged_warehouse_gets_a_sentence_and_the_command(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    assert warehouse_damage(path) is None  # none yet: not damage
    with duckdb.connect(str(path)) as con:
        con.execute("create table t as select range as x from range(100000)")
    assert warehouse_damage(path) is None
    path.write_bytes(path.read_bytes()[:5000])  # truncated
    message = warehouse_damage(path)
    assert message.startswith(f"The warehouse {path} cannot be opened: it is damaged")
    assert "run `make rebuild`" in message and "Traceback" not in message
    aside = set_aside(path)
    assert not path.exists() and aside.name.startswith("warehouse.duckdb.damaged-")


def test_make_run_on_a_damaged_warehouse_says_what_to_do(tmp_path):
    path = tmp_path / "data" / "warehouse.duckdb"
    path.parent.mkdir()
    path.write_bytes(b"\0" * 4096 + b"not a database")
    result = subprocess.run(
        [sys.executable, "-m", "orchestration.run"],
        capture_output=True,
        text=True,
        env={**os.environ, "WAREHOUSE_PATH": str(path)},
        timeout=300,
    )
    assert result.returncode == 1
    assert "cannot be opened: it is damaged" in result.stdout and "make rebuild" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_files_are_private_and_the_data_folder_is_closed(tmp_path):
    assert os.umask(0o077) == 0o077  # set by importing orchestration (the pipeline's processes)
    (tmp_path / "new.txt").write_text("x")
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o600
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)  # as an earlier version left it
    close_folder(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
