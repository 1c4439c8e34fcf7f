"""apply_acknowledgements: which failing groups an acknowledged anomaly covers, and what the note says."""

from __future__ import annotations

import pandas as pd

from tendensen.validation.share_checks import apply_acknowledgements


def group(
    question,
    passed,
    *,
    rule="subtotal_equals_parts",
    source="published",
    item=None,
    failure_note="observed 11.0 is below lower_bound 11.5",
):
    return dict(
        rule=rule,
        source=source,
        edition_id="2021",
        audience="aanbieders",
        question_id=question,
        item_label=item,
        source_report="Tendensen in Leren 2021",
        source_figure=7,
        observed=11.0,
        lower_bound=11.5,
        upper_bound=14.5,
        passed=passed,
        failure_note=None if passed else failure_note,
    )


def ack(question, item=None, rule="subtotal_equals_parts"):
    return dict(
        rule=rule,
        edition_id="2021",
        audience="aanbieders",
        question_id=question,
        item_label=item,
        reason="typo in the report",
        acknowledged_by="tester",
        acknowledged_on="2026-11-21",
    )


def test_failing_group_is_acknowledged_and_its_passing_sibling_is_left_alone():
    out = apply_acknowledgements(
        pd.DataFrame([group("tech", False), group("tech", True)]), pd.DataFrame([ack("tech")])
    )
    assert out["acknowledged"].tolist() == [True, False]
    assert out["note"].tolist() == [
        "observed 11.0 is below lower_bound 11.5; acknowledged by tester on 2026-11-21: typo in the report",
        None,
    ]


def test_acknowledgement_whose_groups_all_pass_is_stale():
    out = apply_acknowledgements(pd.DataFrame([group("tech", True)]), pd.DataFrame([ack("tech")]))
    assert out["acknowledged"].tolist() == [False]
    assert out["note"].iloc[0].startswith("stale acknowledgement (the group passes): acknowledged by tester")


def test_unmatched_failure_stays_unacknowledged():
    out = apply_acknowledgements(pd.DataFrame([group("other", False)]), pd.DataFrame([ack("tech")]))
    assert out["acknowledged"].tolist() == [False]
    assert out["note"].tolist() == ["observed 11.0 is below lower_bound 11.5"]


def test_acknowledgements_never_cover_computed_shares():
    out = apply_acknowledgements(
        pd.DataFrame([group("tech", False, source="responses")]), pd.DataFrame([ack("tech")])
    )
    assert out["acknowledged"].tolist() == [False]


def test_matrix_acknowledgement_matches_its_item_only():
    groups = [
        group("roles", False, rule="matrix_row_sums_to_100", item="Evaluator"),
        group("roles", False, rule="matrix_row_sums_to_100", item="Supporter"),
    ]
    out = apply_acknowledgements(
        pd.DataFrame(groups), pd.DataFrame([ack("roles", item="Evaluator", rule="matrix_row_sums_to_100")])
    )
    assert out["acknowledged"].tolist() == [True, False]


def test_acknowledgement_date_reads_as_a_date():
    """DuckDB hands a `date` column to pandas as a timestamp: the note shows the date only."""
    acknowledgement = {**ack("tech"), "acknowledged_on": pd.Timestamp("2026-11-21")}
    out = apply_acknowledgements(pd.DataFrame([group("tech", False)]), pd.DataFrame([acknowledgement]))
    assert out["note"].iloc[0].endswith("acknowledged by tester on 2026-11-21: typo in the report")


def test_failure_names_the_acknowledgement_file_and_the_row_to_add():
    from tendensen.validation.share_checks import ACKNOWLEDGEMENTS_FILE, acknowledgement_hint

    failure = pd.Series(
        {
            **group("roles", False, rule="matrix_row_sums_to_100", item="Evaluator"),
            "item_id": "evaluator",
            "source_locator": "Figuur 20",
        }
    )
    hint = acknowledgement_hint(failure, today="2026-11-29")
    assert ACKNOWLEDGEMENTS_FILE == "seeds/audit/acknowledged_anomalies.csv"
    assert ACKNOWLEDGEMENTS_FILE in hint
    assert hint.endswith(
        "matrix_row_sums_to_100,2021,aanbieders,roles,evaluator,"
        '"<why the report really prints it so, with its page or figure>",<your name>,2026-11-29'
    )


def test_acknowledgement_row_of_a_plain_question_has_an_empty_item():
    from tendensen.validation.share_checks import acknowledgement_row

    row = acknowledgement_row(pd.Series({**group("tech", False), "item_id": None}), today="2026-11-29")
    assert row.startswith("subtotal_equals_parts,2021,aanbieders,tech,,")


def test_computed_shares_get_no_acknowledgement_hint():
    """A computed share is acknowledged only through its published group: no row to add."""
    from tendensen.validation.share_checks import acknowledgement_hint

    computed = pd.Series(
        {**group("tech", False, rule="computed_matches_published"), "source_locator": "Figuur 7"}
    )
    unlocated = pd.Series({**group("tech", False, source="responses"), "source_locator": None})
    assert acknowledgement_hint(computed) is None
    assert acknowledgement_hint(unlocated) is None
