"""The share checks inside the real pipeline: the report's own errors are found (and only
those), acknowledged anomalies do not stop the run, and an injected bad row does."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

# Every group of the 2021 report whose published numbers cannot add up within rounding,
# with the observed value, found by hand from the report text (see expectations/README.md).
REPORT_ERRORS = {
    ("single_choice_sums_to_100", "2017", "business", "ld_spend_per_person", 10): 95.0,
    ("single_choice_sums_to_100", "2021", "business", "org_size_worldwide", 1): 106.0,
    ("multi_choice_within_max", "2021", "business", "ld_tech_reasons", 12): 319.0,
    ("multi_choice_within_max", "2021", "business", "ld_agenda_18_24m", 19): 307.0,
    ("multi_choice_within_max", "2021", "business", "purchase_criteria", 21): 322.0,
    ("multi_choice_within_max", "2021", "aanbieders", "purchase_criteria", 21): 328.0,
    ("subtotal_equals_parts", "2021", "aanbieders", "ld_technology_use", 7): 11.0,
}


REPORT = "Tendensen in Leren 2021"
# The groups checked on the report's own numbers (not on computed shares).
ON_THE_REPORT = f"source_report = '{REPORT}' and rule <> 'computed_matches_published'"


def test_the_report_errors_are_flagged_and_nothing_else(built_warehouse):
    failing = built_warehouse.rows(
        "select rule, edition_id, audience, question_id, source_figure, observed "
        f"from audit.latest_share_checks where not passed and {ON_THE_REPORT}"
    )
    assert {row[:5]: row[5] for row in failing} == REPORT_ERRORS


def test_report_errors_are_acknowledged_with_a_reason(built_warehouse):
    rows = built_warehouse.rows(
        f"select acknowledged, note from audit.latest_share_checks where not passed and source_report = '{REPORT}'"
    )
    assert rows and all(acknowledged for acknowledged, _ in rows)
    assert all("acknowledged by" in note and "Kept as published" in note for _, note in rows)


def test_every_rule_checked_groups(built_warehouse):
    per_rule = dict(
        built_warehouse.rows(
            f"select rule, count(*) from audit.latest_share_checks where {ON_THE_REPORT} group by rule"
        )
    )
    assert set(per_rule) == {
        "single_choice_sums_to_100",
        "matrix_row_sums_to_100",
        "multi_choice_within_max",
        "subtotal_equals_parts",
        "pct_in_range",
    }
    # Figure 18 (14 statements) and Figure 20 (10 roles) x 2 audiences, Figure 8: 2 x 2 x 2.
    assert per_rule["matrix_row_sums_to_100"] == 14 * 2 + 10 * 2 + 8


def test_prose_numbers_are_not_summed(built_warehouse):
    """The 2021 report's numbers in its running text are all partial distributions."""
    assert (
        built_warehouse.scalar(
            "select count(*) from audit.latest_share_checks "
            f"where rule <> 'pct_in_range' and source_figure is null and {ON_THE_REPORT}"
        )
        == 0
    )


def test_computed_shares_match_published_wherever_the_report_is_consistent(built_warehouse):
    """Issue 4: the synthetic 2021 exports reproduce every consistent published figure."""
    rows = built_warehouse.rows(
        "select edition_id, audience, question_id, source_figure, passed, acknowledged "
        "from audit.latest_share_checks where rule = 'computed_matches_published'"
    )
    assert len(rows) > 250
    failing = {row[:4] for row in rows if not row[4]}
    inconsistent = {key[1:] for key in REPORT_ERRORS}
    assert failing <= inconsistent  # only where the report itself cannot add up
    assert all(row[5] for row in rows if not row[4])  # and those inherit its acknowledgement
    consistent_groups = {row[:4] for row in rows} - inconsistent
    assert len(consistent_groups) >= 25  # every 2021 figure question of both audiences


def test_checks_are_asset_checks_of_the_job(built_warehouse):
    evaluations = [
        event
        for event in built_warehouse.result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    names = {event.event_specific_data.check_name for event in evaluations}
    assert {
        "single_choice_sums_to_100",
        "matrix_row_sums_to_100",
        "multi_choice_within_max",
        "subtotal_equals_parts",
        "pct_in_range",
    } <= names


@pytest.fixture(scope="module")
def injected_run(built_warehouse, tmp_path_factory):
    """A copy of the built warehouse with one bad row, validated by the real job."""
    path = tmp_path_factory.mktemp("injected") / "warehouse.duckdb"
    shutil.copyfile(built_warehouse.path, path)
    # The last good serving copy, which a failing validation must leave alone.
    (path.parent / "serving").mkdir()
    shutil.copyfile(
        built_warehouse.path.parent / "serving" / "tendensen.duckdb",
        path.parent / "serving" / "tendensen.duckdb",
    )
    from tendensen.warehouse import connect

    with connect(path, read_only=False) as con:
        # Figure 9 gains a second 'stijgen' share of 30: the distribution adds to 130.
        con.execute("""
            insert into marts.answer_shares
            select * replace (30.0 as pct, 'stijgen (ingevoegd)' as option_label)
            from marts.answer_shares
            where question_id = 'ld_means_evolution' and option_label = 'stijgen'
              and source = 'published'
        """)
    patch = pytest.MonkeyPatch()
    patch.setenv("WAREHOUSE_PATH", str(path))
    from orchestration.definitions import defs

    result = defs.resolve_job_def("publish_warehouse").execute_in_process(raise_on_error=False)
    patch.undo()
    return path, result


def test_injected_bad_row_fails_the_job(injected_run):
    _, result = injected_run
    assert not result.success
    failed = {
        event.event_specific_data.check_name: event.event_specific_data.description
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION" and not event.event_specific_data.passed
    }
    # dbt's own test that the flat table keeps every fact row fails too.
    assert set(failed) == {"single_choice_sums_to_100", "same_row_count_answer_shares_ref_fct_answer_shares_"}
    assert failed["single_choice_sums_to_100"] == (
        "1 unacknowledged failing group(s): edition 2021, audience business, question "
        "ld_means_evolution, Figuur 9 of Tendensen in Leren 2021: observed 130, allowed [98, 102] "
        "(observed 130.0 is above upper_bound 102.0) -> if the report really prints it so, acknowledge it "
        "(never edit the number): add to seeds/audit/acknowledged_anomalies.csv the row: "
        "single_choice_sums_to_100,2021,business,ld_means_evolution,,"
        f'"<why the report really prints it so, with its page or figure>",<your name>,{date.today().isoformat()}'
    )


def test_injected_bad_row_is_not_published(injected_run, built_warehouse):
    path, result = injected_run
    from orchestration.defs.asset_keys import SERVING

    assert not [
        event for event in result.all_events if event.is_step_materialization and event.asset_key == SERVING
    ]
    serving = path.parent / "serving" / "tendensen.duckdb"
    assert serving.read_bytes() == (built_warehouse.path.parent / "serving" / "tendensen.duckdb").read_bytes()
    assert not (path.parent / "serving" / "parquet").exists()


def test_injected_bad_row_is_recorded_unacknowledged(injected_run):
    from tendensen.warehouse import connect

    path, _ = injected_run
    with connect(path) as con:
        rows = con.execute(
            "select rule, passed, acknowledged, observed, note from audit.latest_share_checks "
            f"where question_id = 'ld_means_evolution' and {ON_THE_REPORT} order by rule"
        ).fetchall()
    assert rows == [
        ("pct_in_range", True, False, 67.0, None),
        ("single_choice_sums_to_100", False, False, 130.0, "observed 130.0 is above upper_bound 102.0"),
    ]
