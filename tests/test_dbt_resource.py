"""The dbt resource skips dagster-dbt's `dbt --version` subprocess and in-process adapter."""

from __future__ import annotations

import subprocess
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource

from orchestration.dbt_resource import TendensenDbtCliResource
from orchestration.project import tendensen_project


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
