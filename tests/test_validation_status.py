"""The validation status beside the serving copy (tendensen/validation/status.py): what a
BI user reads when the publish is blocked, and that it never names an absolute path."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pandas as pd

from tendensen.validation.status import STATUS_CSV, STATUS_JSON, record_validation

WHEN = datetime(2026, 11, 29, 21, 0, tzinfo=timezone.utc)


def audit_row(passed: bool, acknowledged: bool = False, question="q", locator="tekst: p. 3") -> dict:
    return dict(
        rule="single_choice_sums_to_100",
        edition_id="2099",
        audience="business",
        question_id=question,
        item_label=None,
        source_report="Synthetisch rapport",
        source_figure=None,
        source_locator=locator,
        item_id=None,
        observed=103.0,
        lower_bound=98.5,
        upper_bound=101.5,
        passed=passed,
        acknowledged=acknowledged,
        note=None if passed else "observed 103 is above upper_bound 101.5",
    )


def test_a_failed_validation_says_publish_blocked_and_what_fails(tmp_path):
    serving = tmp_path / "serving"
    record_validation(serving, pd.DataFrame([audit_row(True)]), "run-1", WHEN)
    status = record_validation(
        serving, pd.DataFrame([audit_row(False), audit_row(True, question="r")]), "run-2", WHEN
    )
    on_disk = json.loads((serving / STATUS_JSON).read_text(encoding="utf-8"))
    assert on_disk == status
    assert (status["run_id"], status["status"], status["publish"]) == ("run-2", "failed", "blocked")
    # the serving copy still holds run-1's validated build: the status says which
    assert status["last_passed_run_id"] == "run-1"
    assert "NOT replaced" in status["serving_copy"]
    (failing,) = status["failing_checks"]
    assert failing["question_id"] == "q" and failing["source_locator"] == "tekst: p. 3"
    assert failing["acknowledgement_row"].startswith("single_choice_sums_to_100,2099,business,q,,")
    assert status["acknowledgements_file"] == "seeds/audit/acknowledged_anomalies.csv"
    csv = pd.read_csv(serving / STATUS_CSV)
    assert csv[["run_id", "status", "publish", "question_id", "observed"]].values.tolist() == [
        ["run-2", "failed", "blocked", "q", 103.0]
    ]
    assert str(tmp_path) not in (serving / STATUS_JSON).read_text() + (serving / STATUS_CSV).read_text()


def test_a_passed_validation_has_one_csv_row_and_acknowledged_failures_do_not_block(tmp_path):
    serving = tmp_path / "serving"
    status = record_validation(serving, pd.DataFrame([audit_row(False, acknowledged=True)]), "run-3", WHEN)
    assert (status["status"], status["publish"], status["failed_acknowledged"]) == ("passed", "allowed", 1)
    assert status["last_passed_run_id"] == "run-3" and status["failing_checks"] == []
    csv = pd.read_csv(serving / STATUS_CSV)
    assert len(csv) == 1 and csv["status"].tolist() == ["passed"] and csv["rule"].isna().all()
    assert not list(serving.glob(".*.tmp"))


def test_the_pipeline_writes_the_status_beside_the_serving_copy(built_warehouse):
    status = json.loads((built_warehouse.path.parent / "serving" / STATUS_JSON).read_text(encoding="utf-8"))
    assert (status["run_id"], status["status"], status["publish"]) == (
        built_warehouse.result.run_id,
        "passed",
        "allowed",
    )
    assert status["failed_acknowledged"] >= 7 and status["failing_checks"] == []
