"""The incremental_by_export materialization (macros/materializations/): what it does when
nothing is new, and when a model gains or loses a column. A corrected re-export replacing
its own rows is tested end to end in tests/test_incremental.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.settings import REPO_ROOT

PROJECT_FILES = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds"]


@pytest.fixture()
def project(built_warehouse, tmp_path):
    """A copy of the dbt project and of the built data folder, to edit and rebuild."""
    for name in PROJECT_FILES:
        source, target = REPO_ROOT / name, tmp_path / "project" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, target)
    shutil.copytree(built_warehouse.path.parent, tmp_path / "data")
    return tmp_path


def dbt_run(root: Path, model: str) -> subprocess.CompletedProcess:
    """`dbt run --select model` on the copy, as the Dagster asset runs it (same vars)."""
    from orchestration.assets import salt_fingerprint

    data = root / "data"
    env = {**os.environ, "WAREHOUSE_PATH": str(data / "warehouse.duckdb")}
    patch = pytest.MonkeyPatch()
    patch.setenv("WAREHOUSE_PATH", env["WAREHOUSE_PATH"])  # salt_fingerprint reads the copy's salt
    dbt_vars = {"landed_dir": str(data / "landed"), "salt_fingerprint": salt_fingerprint()}
    patch.undo()
    executable = Path(sys.executable).parent / "tendensen-dbt"
    return subprocess.run(
        [str(executable), "run", "--select", model, "--vars", json.dumps(dbt_vars),
         "--project-dir", str(root / "project"), "--profiles-dir", str(root / "project"),
         "--target-path", str(root / "target"), "--log-path", str(root / "logs")],
        capture_output=True, text=True, env=env)


def query(root: Path, sql: str) -> list[tuple]:
    from orchestration.warehouse import connect

    with connect(root / "data" / "warehouse.duckdb") as con:
        return con.execute(sql).fetchall()


def edit_model(root: Path, relative: str, old: str, new: str) -> None:
    path = root / "project" / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_no_new_export_leaves_the_table_as_it_was(project):
    before = query(project, "select count(*), min(loaded_at), max(loaded_at) from marts.fct_response_answers")
    done = dbt_run(project, "fct_response_answers")
    assert done.returncode == 0, done.stdout
    assert query(project, "select count(*), min(loaded_at), max(loaded_at) from marts.fct_response_answers") == before
    assert before[0][0] > 0


def test_a_new_column_is_added_even_with_no_new_export(project):
    edit_model(project, "models/intermediate/int_response_counts.sql",
               "    cast(bases.n_base as integer)       as n_base",
               "    cast(bases.n_base as integer)       as n_base,\n    'probe'  as probe_column")
    done = dbt_run(project, "int_response_counts")
    assert done.returncode == 0, done.stdout
    assert "Adding column(s) probe_column" in done.stdout
    rows = query(project, "select count(*), count(probe_column) from intermediate.int_response_counts")
    assert rows[0][0] > 0 and rows[0][1] == 0  # rows loaded before the column have none


def test_a_dropped_column_fails_the_build_naming_it(project):
    edit_model(project, "models/intermediate/int_response_counts.sql",
               "    chosen.landing_id,\n", "")
    done = dbt_run(project, "int_response_counts")
    assert done.returncode != 0
    assert "no longer selects: landing_id" in done.stdout
    assert "--full-refresh --select int_response_counts" in done.stdout
