"""Which job the landing sensor starts: only what new data feeds, unless the dbt project
changed since the warehouse's last full build (tendensen/dbt/project_state.py)."""

from __future__ import annotations

import json
import shutil

import pytest

from orchestration.defs.landing.sensors import export_state
from tendensen.dbt.project_state import (
    dbt_project_fingerprint,
    last_full_build_fingerprint,
    record_full_build,
)
from tendensen.settings import REPO_ROOT
from tests.conftest import copy_dbt_project


@pytest.fixture()
def project_copy(tmp_path):
    return copy_dbt_project(tmp_path)


def test_the_fingerprint_follows_every_kind_of_project_file(project_copy):
    first = dbt_project_fingerprint(project_copy)
    assert dbt_project_fingerprint(project_copy) == first  # stable
    assert first == dbt_project_fingerprint(REPO_ROOT)  # the copy is the project
    seen = {first}
    for relative in [
        "seeds/codebook/editions.csv",
        "models/marts/dim_edition.sql",
        "macros/loaded_at.sql",
        "dbt_project.yml",
    ]:
        path = project_copy / relative
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        seen.add(dbt_project_fingerprint(project_copy))
    (project_copy / "models" / "marts" / "new_model.sql").write_text("select 1 as one\n")
    seen.add(dbt_project_fingerprint(project_copy))
    assert len(seen) == 6  # each change gave a new fingerprint


def test_a_full_build_is_remembered_beside_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    assert last_full_build_fingerprint() is None
    record_full_build("abc")
    assert last_full_build_fingerprint() == "abc"
    (tmp_path / "dbt_project_built.json").write_text("{not json")
    assert last_full_build_fingerprint() is None  # unreadable: build everything


def test_the_sensor_starts_the_partial_job_only_on_an_unchanged_project(tmp_path, monkeypatch):
    from orchestration.defs.landing.sensors import job_for_new_exports

    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    assert job_for_new_exports().name == "build_warehouse"  # never fully built
    record_full_build(dbt_project_fingerprint())
    assert job_for_new_exports().name == "add_landed_exports"
    record_full_build("an older project")
    assert job_for_new_exports().name == "build_warehouse"


def test_the_full_build_recorded_the_project_it_built(built_warehouse, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_PATH", str(built_warehouse.path))
    assert built_warehouse.result.success
    assert last_full_build_fingerprint() == dbt_project_fingerprint()


def test_the_partial_job_refuses_a_changed_project(built_warehouse, tmp_path, monkeypatch):
    """Run by hand after a seed changed, add_landed_exports stops before dbt and says why."""
    data = tmp_path / "data"
    shutil.copytree(built_warehouse.path.parent, data)
    monkeypatch.setenv("WAREHOUSE_PATH", str(data / "warehouse.duckdb"))
    record_full_build("an older project")
    from orchestration.definitions import defs

    result = defs.resolve_job_def("add_landed_exports").execute_in_process(raise_on_error=False)
    assert not result.success
    (failure,) = [event for event in result.all_events if event.is_step_failure]
    assert failure.step_key == "tendensen_dbt_assets"
    assert "Run the build_warehouse job" in str(failure.event_specific_data.error)
    assert last_full_build_fingerprint() == "an older project"


def test_the_sensor_requests_the_job_that_fits(tmp_path, monkeypatch):
    import dagster as dg

    from orchestration.defs.landing.sensors import landing_sensor

    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    (tmp_path / "landing").mkdir()
    (tmp_path / "landing" / "2025_business.csv").write_text("a")
    with dg.instance_for_test() as instance:
        first = landing_sensor(dg.build_sensor_context(instance=instance))
        assert first.job_name == "build_warehouse"  # never fully built
        record_full_build(dbt_project_fingerprint())
        (tmp_path / "landing" / "2025_aanbieders.csv").write_text("b")
        context = dg.build_sensor_context(
            instance=instance,
            cursor=json.dumps({"2025_business.csv": export_state(tmp_path / "landing")["2025_business.csv"]}),
        )
        second = landing_sensor(context)
        assert second.job_name == "add_landed_exports"
        assert second.tags["tendensen/exports"] == "2025_aanbieders.csv"
