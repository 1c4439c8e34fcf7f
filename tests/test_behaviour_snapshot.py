"""Behaviour pinned (issue 18): the demo build's `marts.answer_shares` and
`audit.latest_share_checks` are exactly the committed snapshots in `tests/snapshots/`.

A refactoring must leave both unchanged. When a change of behaviour is deliberate (a new
seed row, a new rule, a corrected label), regenerate the snapshots and commit them with
the change, so the diff shows what moved:

    TENDENSEN_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_behaviour_snapshot.py

The demo build is the session's `built_warehouse` (tests/conftest.py): `make run`'s
pipeline on an empty landing folder, i.e. the published seeds plus the seeded synthetic
2021 exports, which the generator writes byte for byte the same on every run.

What the snapshot leaves out, and why:
- `audit.latest_share_checks.run_id` and `.checked_at`: the Dagster run id and the clock
  time of the check, new on every run;
- nothing else: every other column of both relations is a function of the seeds and the
  generated exports (the respondent salt, random per session, reaches no column here; the
  export's sha256 in `source_report` is of the generated file, before anonymisation).

Floats (`pct`, `observed`, `lower_bound`, `upper_bound`) are rounded to 6 decimals, so a
sum added up in another order (DuckDB aggregates in parallel) stays the same number, while
any real change (the smallest in the data is 0.1 point) shows. Rows are sorted by the
relation's grain, then by every other column, so the file's order never depends on a plan.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("TENDENSEN_UPDATE_SNAPSHOTS") == "1"
DECIMALS = 6

# relation -> (its grain, run-specific columns left out)
PINNED = {
    "marts.answer_shares": (
        ["edition_id", "audience", "question_id", "item_label", "option_label", "source"],
        [],
    ),
    # A checked group is named by its question and row, and, where a rule checks several
    # groups in one row (a subtotal, an option compared with the report), by its note.
    "audit.latest_share_checks": (
        [
            "rule",
            "edition_id",
            "audience",
            "question_id",
            "item_label",
            "source_report",
            "source_figure",
            "note",
        ],
        ["run_id", "checked_at"],
    ),
}


def snapshot_csv(build, relation: str) -> str:
    """The relation as CSV text: run-specific columns dropped, floats rounded, sorted."""
    grain, excluded = PINNED[relation]
    schema, table = relation.split(".")
    columns = build.rows(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    )
    assert columns, f"{relation} does not exist in the demo build"
    kept = [(name, kind) for name, kind in columns if name not in excluded]
    select = ", ".join(
        f"round({name}, {DECIMALS}) as {name}" if kind in ("DOUBLE", "FLOAT") else name for name, kind in kept
    )
    rest = [name for name, _ in kept if name not in grain]
    order = ", ".join(f"{name} nulls first" for name in grain + rest)
    rows = build.rows(f"select {select} from {relation} order by {order}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _ in kept])
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return out.getvalue()


def snapshot_path(relation: str) -> Path:
    return SNAPSHOTS / f"{relation.replace('.', '__')}.csv"


@pytest.mark.parametrize("relation", list(PINNED))
def test_demo_build_matches_the_committed_snapshot(built_warehouse, relation):
    actual = snapshot_csv(built_warehouse, relation)
    path = snapshot_path(relation)
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no snapshot {path}: regenerate it deliberately (see this module's docstring)"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        changed = sorted(set(actual.splitlines()) ^ set(expected.splitlines()))
        pytest.fail(
            f"{relation} differs from {path.relative_to(Path(__file__).parent.parent)} "
            f"({len(expected.splitlines())} rows pinned, {len(actual.splitlines())} now; "
            f"{len(changed)} lines differ, first: {changed[:5]}). If the change is deliberate, "
            "regenerate the snapshot (see this module's docstring) and commit it with the change."
        )


@pytest.mark.parametrize("relation", list(PINNED))
def test_the_snapshot_grain_is_unique(built_warehouse, relation):
    """The sort key above is the relation's grain: one row per grain value, so the file's
    order is fully determined by it (the other columns only break ties that cannot occur)."""
    grain, _ = PINNED[relation]
    duplicates = built_warehouse.rows(
        f"select {', '.join(grain)}, count(*) from {relation} group by all having count(*) > 1 limit 5"
    )
    assert duplicates == []
