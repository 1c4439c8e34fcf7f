"""The fast loop (`make test-fast`, pytest -m "not pipeline") refuses, loudly, a test that
loads dagster or dbt or starts dbt, Dagster or `make run`: such a test is a pipeline test and
must be marked so (tests/conftest.py), not run slowly in the fast loop or skipped unseen.

The probes run in a pytest of their own, under a copy of this conftest.py; they stand in
for dagster with an empty module so that the check costs no real import."""

from __future__ import annotations

import shutil
import subprocess
import sys
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
