"""apply_acknowledgements: which failing groups an acknowledged anomaly covers, and what the note says."""

from __future__ import annotations

import pandas as pd

from orchestration.validation.share_checks import apply_acknowledgements


def group(question, passed, *, rule="subtotal_equals_parts", source="published", item=None,
          failure_note="observed 11.0 is below lower_bound 11.5"):
    return dict(rule=rule, source=source, edition_id="2021", audience="aanbieders", question_id=question,
                item_label=item, source_report="Tendensen in Leren 2021", source_figure=7,
                observed=11.0, lower_bound=11.5, upper_bound=14.5, passed=passed,
                failure_note=None if passed else failure_note)


def ack(question, item=None, rule="subtotal_equals_parts"):
    return dict(rule=rule, edition_id="2021", audience="aanbieders", question_id=question, item_label=item,
                reason="typo in the report", acknowledged_by="tester", acknowledged_on="2026-11-21")


def test_failing_group_is_acknowledged_and_its_passing_sibling_is_left_alone():
    out = apply_acknowledgements(
        pd.DataFrame([group("tech", False), group("tech", True)]), pd.DataFrame([ack("tech")]))
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
    out = apply_acknowledgements(pd.DataFrame([group("tech", False, source="responses")]),
                                 pd.DataFrame([ack("tech")]))
    assert out["acknowledged"].tolist() == [False]


def test_matrix_acknowledgement_matches_its_item_only():
    groups = [group("roles", False, rule="matrix_row_sums_to_100", item="Evaluator"),
              group("roles", False, rule="matrix_row_sums_to_100", item="Supporter")]
    out = apply_acknowledgements(pd.DataFrame(groups),
                                 pd.DataFrame([ack("roles", item="Evaluator", rule="matrix_row_sums_to_100")]))
    assert out["acknowledged"].tolist() == [True, False]
