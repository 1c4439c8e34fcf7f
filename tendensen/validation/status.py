"""The latest validation's status, beside the serving copy, for BI users.

When a check fails the publish is blocked and the serving copy keeps the last validated
version: without this file a BI user would see stale data and no reason. The checks write
it after every validation, passed or failed (the publish step never does), as JSON (the
whole status) and CSV (one row per failing check, or one row saying none fails), both
replaced atomically. Nothing in them is an absolute path, so the serving folder can move.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pandas as pd

from tendensen.files import replace_atomically
from tendensen.validation.share_checks import (
    ACKNOWLEDGEMENTS_FILE,
    acknowledgement_row,
    unacknowledged_failures,
)

STATUS_JSON = "validation_status.json"
STATUS_CSV = "validation_status.csv"
# What the status says of each failing check (also the CSV's per-check columns).
CHECK_FIELDS = (
    "rule",
    "edition_id",
    "audience",
    "question_id",
    "item_label",
    "source_report",
    "source_locator",
    "observed",
    "lower_bound",
    "upper_bound",
    "note",
)
CSV_COLUMNS = [
    "run_id",
    "checked_at",
    "status",
    "publish",
    "last_passed_run_id",
    "last_passed_at",
    *CHECK_FIELDS,
    "acknowledgement_row",
]


def validation_status(
    rows: pd.DataFrame, run_id: str, checked_at: datetime, previous: dict | None = None
) -> dict:
    """The status of one validation run from its audit rows (with locators); `previous` is the
    last status written, whose last passed run is carried over while this one fails."""
    failures = unacknowledged_failures(rows)
    passed = failures.empty
    previous = previous or {}
    checked_at_text = checked_at.isoformat(timespec="seconds")
    return {
        "run_id": run_id,
        "checked_at": checked_at_text,
        "status": "passed" if passed else "failed",
        "publish": "allowed" if passed else "blocked",
        "serving_copy": (
            "published from this run unless the publish step itself fails"
            if passed
            else "NOT replaced: the serving copy and its Parquet files stay the last validated version"
        ),
        "last_passed_run_id": run_id if passed else previous.get("last_passed_run_id"),
        "last_passed_at": checked_at_text if passed else previous.get("last_passed_at"),
        "groups_checked": len(rows),
        "failed_unacknowledged": len(failures),
        "failed_acknowledged": int((~rows["passed"] & rows["acknowledged"]).sum()),
        "acknowledgements_file": ACKNOWLEDGEMENTS_FILE,
        "failing_checks": [_failing_check(row) for _, row in failures.iterrows()],
    }


def _failing_check(row: pd.Series) -> dict:
    def value(name):
        item = row.get(name)
        if item is None or (not isinstance(item, str) and pd.isna(item)):
            return None
        return item.item() if hasattr(item, "item") else item

    check = {name: value(name) for name in CHECK_FIELDS}
    # a computed share has no row of its own to add (it inherits its published group's)
    check["acknowledgement_row"] = (
        acknowledgement_row(row) if isinstance(check["source_locator"], str) else None
    )
    return check


def read_status(serving_dir: Path) -> dict | None:
    """The last status written, or None (none yet, or unreadable: it is rewritten anyway)."""
    try:
        return json.loads((serving_dir / STATUS_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_status(serving_dir: Path, status: dict) -> Path:
    """Both files, each replaced atomically; returns the JSON's path."""
    serving_dir.mkdir(parents=True, exist_ok=True)
    replace_atomically(serving_dir / STATUS_CSV, status_csv(status))
    replace_atomically(serving_dir / STATUS_JSON, json.dumps(status, indent=2, ensure_ascii=False) + "\n")
    return serving_dir / STATUS_JSON


def status_csv(status: dict) -> str:
    """One row per failing check, or one row with empty check columns when none fails."""
    run = {name: status[name] for name in CSV_COLUMNS if name in status}
    checks = status["failing_checks"] or [{}]
    frame = pd.DataFrame([{**run, **check} for check in checks], columns=CSV_COLUMNS)
    return frame.to_csv(index=False)


def record_validation(serving_dir: Path, rows: pd.DataFrame, run_id: str, checked_at: datetime) -> dict:
    """Write this run's status beside the serving copy; returns it."""
    status = validation_status(rows, run_id, checked_at, previous=read_status(serving_dir))
    write_status(serving_dir, status)
    return status
