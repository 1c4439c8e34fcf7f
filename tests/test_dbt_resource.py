"""The dbt resource skips dagster-dbt's `dbt --version` subprocess and in-process adapter."""

from __future__ import annotations

import subprocess
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource

from orchestration.defs.dbt.project import tendensen_project
from orchestration.defs.dbt.resource import TendensenDbtCliResource


def test_the_overridden_hooks_still_exist_in_dagster_dbt():
    """If an upgrade renames them, the overrides would silently stop saving ~4 s a run."""
    assert isinstance(DbtCliResource.__dict__["_cli_version"], type(TendensenDbtCliResource._cli_version))
    assert callable(DbtCliResource.__dict__["_initialize_dbt_core_adapter"])


def test_version_comes_from_the_installed_package_without_a_subprocess(monkeypatch):
    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"a subprocess was started: {args}")

    monkeypatch.setattr(subprocess, "check_output", no_subprocess)
    resource = TendensenDbtCliResource(project_dir=tendensen_project)
    assert str(resource._cli_version) == installed_version("dbt-core")
    assert resource._cli_version.major == 1  # dbt Core, not the Fusion engine
    assert resource._initialize_dbt_core_adapter(["build"]) is None


def test_it_is_the_resource_the_definitions_use():
    from orchestration.definitions import defs

    assert isinstance(defs.resources["dbt"], TendensenDbtCliResource)


def test_the_definitions_run_dbt_through_the_tuned_entry_point():
    from orchestration.definitions import defs

    assert defs.resources["dbt"].dbt_executable == "tendensen-dbt"


def test_tendensen_dbt_is_dbt_with_the_collector_tuned(tmp_path):
    """Installed by pyproject.toml; dbt's own command line, run in a tuned process."""
    import shutil
    import sys
    from pathlib import Path

    executable = shutil.which("tendensen-dbt", path=str(Path(sys.executable).parent))
    assert executable, "tendensen-dbt is not installed: `make install` (pyproject.toml [project.scripts])"
    done = subprocess.run([executable, "--version"], capture_output=True, text=True, check=True)
    assert f"installed: {installed_version('dbt-core')}" in done.stdout
    probe = (
        "import gc, tendensen.dbt.cli; from tendensen.gc_tuning import "
        "ALLOCATIONS_BEFORE_COLLECTING as n; assert gc.get_threshold()[0] == n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)


def test_old_failed_build_folders_are_pruned_recent_ones_kept(tmp_path):
    import os
    import time

    from orchestration.defs.dbt.assets import FAILED_BUILDS_KEPT, prune_failed_build_folders

    now = time.time()
    for number in range(FAILED_BUILDS_KEPT + 3):  # build-0 newest ... build-7 oldest, all old
        folder = tmp_path / f"build-{number}"
        folder.mkdir()
        os.utime(folder, (now - 7200 - number, now - 7200 - number))
    (tmp_path / "build-busy").mkdir()  # another build, just started
    (tmp_path / "manifest.json").write_text("{}")
    prune_failed_build_folders(tmp_path)
    left = sorted(path.name for path in tmp_path.iterdir())
    assert left == ["build-0", "build-1", "build-2", "build-3", "build-busy", "manifest.json"]


def test_build_folders_younger_than_an_hour_are_never_pruned(tmp_path):
    from orchestration.defs.dbt.assets import FAILED_BUILDS_KEPT, prune_failed_build_folders

    for number in range(FAILED_BUILDS_KEPT + 3):
        (tmp_path / f"build-{number}").mkdir()
    prune_failed_build_folders(tmp_path)
    assert len(list(tmp_path.glob("build-*"))) == FAILED_BUILDS_KEPT + 3
