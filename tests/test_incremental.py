"""A corrected re-export of one edition x audience, added as the landing sensor adds it
(the add_landed_exports job), replaces exactly its own rows: the incremental models (incremental_by_export: delete, then insert per edition x audience) neither duplicate nor lose data."""

from __future__ import annotations

import csv
import shutil

import pytest


@pytest.fixture(scope="module")
def rebuilt(built_warehouse, tmp_path_factory):
    """The built data folder copied, its Business export replaced by 60 respondents (fewer
    than the 173 it replaces: held unless accepted, so accepted first), rebuilt."""
    data = tmp_path_factory.mktemp("incremental") / "data"
    shutil.copytree(built_warehouse.path.parent, data)
    from tendensen.landing.generate import generate_demo_export

    before = {path.name: path.read_bytes() for path in (data / "landing").glob("*aanbieders*")}
    generate_demo_export(data / "landing" / "2021_business_synthetic.csv", "business", 60, seed=7)
    patch = pytest.MonkeyPatch()
    patch.setenv("WAREHOUSE_PATH", str(data / "warehouse.duckdb"))
    from tendensen.landing.__main__ import accept

    assert accept([data / "landing" / "2021_business_synthetic.csv"]) == 0
    from orchestration.definitions import defs

    result = defs.resolve_job_def("add_landed_exports").execute_in_process(raise_on_error=False)
    patch.undo()
    from tests.conftest import Build

    assert {path.name: path.read_bytes() for path in (data / "landing").glob("*aanbieders*")} == before
    return Build(path=data / "warehouse.duckdb", result=result)


def test_only_what_the_landed_data_feeds_was_rebuilt(rebuilt):
    events = rebuilt.result.all_events
    # 60 random respondents cannot match the report's figures: the reconciliation blocks the
    # publish, as it should; everything before it ran
    assert [event.step_key for event in events if event.is_step_failure] == ["share_checks"]
    built = {event.asset_key.to_user_string() for event in events if event.is_step_materialization}
    assert {"landing/responses", "marts/fct_response_answers", "marts/answer_shares"} <= built
    assert not [key for key in built if key.startswith("raw/")]  # seeds: as the full build left them
    assert "marts/dim_edition" not in built


def test_landing_logged_the_replacement(rebuilt):
    with (rebuilt.path.parent / "landed" / "landing_log.csv").open(encoding="utf-8") as handle:
        actions = [(row["export_file"], row["action"]) for row in csv.DictReader(handle)]
    assert actions[-3:] == [
        ("2021_business_synthetic.csv", "replaced"),  # accepted
        ("2021_aanbieders_synthetic.csv", "unchanged"),
        ("2021_business_synthetic.csv", "unchanged"),
    ]


def test_respondents_replaced_for_one_audience_only(rebuilt):
    counts = dict(rebuilt.rows("select audience, count(*) from marts.dim_respondent group by all"))
    assert counts == {"business": 60, "aanbieders": 142}


def test_fact_holds_only_the_new_export(rebuilt):
    exports = rebuilt.rows(
        "select audience, count(distinct export_id) from marts.fct_response_answers group by all order by 1"
    )
    assert exports == [("aanbieders", 1), ("business", 1)]
    assert (
        rebuilt.scalar(
            "select count(*) from marts.fct_response_answers f "
            "where not exists (select 1 from marts.dim_respondent r where r.respondent_key = f.respondent_key)"
        )
        == 0
    )


def test_computed_shares_follow_the_new_base(rebuilt):
    bases = dict(
        rebuilt.rows(
            "select audience, max(n_base) from marts.answer_shares where source = 'responses' group by all"
        )
    )
    assert bases == {"business": 60, "aanbieders": 142}
