"""The fast loop (`make test-fast`, pytest -m "not pipeline") refuses, loudly, a test that
loads dagster or dbt or starts dbt, Dagster or `make run`: such a test is a pipeline test and
must be marked so (tests/conftest.py), not run slowly in the fast loop or skipped unseen.

The probes run in a pytest of their own, under a copy of this conftest.py; they stand in
for dagster with an empty module so that the check costs no real import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

PROBES = """
import subprocess, sys, types
from pathlib import Path

def test_loads_dagster():
    sys.modules["dagster"] = types.ModuleType("dagster")

def test_starts_dbt():
    subprocess.run([str(Path(sys.executable).parent / "dbt"), "--version"])

def test_starts_make_run():
    subprocess.run([sys.executable, "-m", "orchestration.run"])

def test_starts_another_python():
    subprocess.run([sys.executable, "-c", "pass"], check=True)
"""

TOP_LEVEL_IMPORT = """
import sys, types
sys.modules["dagster_dbt"] = types.ModuleType("dagster_dbt")

def test_nothing():
    pass
"""


def test_the_fast_loop_refuses_what_only_pipeline_tests_may_do(tmp_path):
    """One pytest of its own for every probe (its start costs a second)."""
    shutil.copyfile(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_probes.py").write_text(PROBES)
    (tmp_path / "test_top.py").write_text(TOP_LEVEL_IMPORT)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "not pipeline", "-rA", "-p", "no:cacheprovider"]
        + ["--continue-on-collection-errors", "test_probes.py", "test_top.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = done.stdout + done.stderr
    # a test loading dagster, or starting dbt or `make run`, fails naming it; another python runs
    assert "PASSED test_probes.py::test_starts_another_python" in out, out
    for probe in ("test_loads_dagster", "test_starts_dbt", "test_starts_make_run"):
        assert f"FAILED test_probes.py::{probe}" in out, out
    assert (
        "test_probes.py::test_loads_dagster loaded dagster in the fast loop: mark it as a pipeline test"
        in out
    )
    assert "dbt --version' started in the fast loop" in out
    assert "-m orchestration.run' started in the fast loop" in out
    # a module importing dagster(-dbt) at its top is a collection error, not a silent skip
    assert "ERROR collecting test_top.py" in out, out
    assert "test_top.py imports dagster_dbt at its top, which the fast loop" in out
    assert "3 failed, 1 passed, 1 error" in out, out


def test_the_session_parses_dbt_again_only_when_the_project_changed(tmp_path):
    from conftest import dbt_manifest_is_current
    from tendensen.dbt.project_state import DBT_PROJECT_FILES

    for name in DBT_PROJECT_FILES:
        (tmp_path / name).mkdir() if "." not in name else (tmp_path / name).write_text("x")
    (tmp_path / "models" / "marts").mkdir()
    model = tmp_path / "models" / "marts" / "a.sql"
    model.write_text("select 1")
    assert not dbt_manifest_is_current(tmp_path)  # never parsed

    manifest = tmp_path / "target" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_text("{}")
    parsed_at = time.time() + 100  # later than every file written above
    os.utime(manifest, (parsed_at, parsed_at))
    assert dbt_manifest_is_current(tmp_path)

    # each change gives the path it touches a time after the parse, as editing it later would
    for change, touched in (
        (lambda: model.write_text("select 2"), model),  # a model edited
        (lambda: (tmp_path / "seeds" / "new.csv").write_text("a"), tmp_path / "seeds" / "new.csv"),
        (lambda: model.unlink(), model.parent),  # a model deleted: its folder changed
    ):
        change()
        parsed_at += 10
        os.utime(touched, (parsed_at + 1, parsed_at + 1))
        assert not dbt_manifest_is_current(tmp_path), touched
        os.utime(manifest, (parsed_at + 2, parsed_at + 2))  # parsed again
        assert dbt_manifest_is_current(tmp_path)
        parsed_at += 2
