"""Validate the shares and record every checked group in `audit.share_checks`.

Three steps, each with its own short-lived connection (DuckDB: one writer or many readers):
1. read: the rule SQL aggregates the marts into group rows (read-only connection);
2. validate: Great Expectations checks every group row (in memory, no connection);
3. write: one audit row per group and rule, passes and failures alike (read-write).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from orchestration.validation.rules import GROUP_KEYS, RULES, Rule
from orchestration.warehouse import connect

# The contract's columns of audit.share_checks, in its order (DDL: macros/create_audit_tables.sql).
AUDIT_COLUMNS = [
    "run_id", "checked_at", "rule", "edition_id", "audience", "question_id", "item_label",
    "source_report", "source_figure", "observed", "lower_bound", "upper_bound", "passed",
    "acknowledged", "note",
]

_ACKNOWLEDGEMENTS_SQL = """
    select acks.rule, acks.edition_id, acks.audience, acks.question_id,
           items.item_label, acks.reason, acks.acknowledged_by, acks.acknowledged_on
    from staging.stg_audit__acknowledged_anomalies as acks
    left join marts.dim_item as items on items.item_key = acks.item_key
"""


def read_groups(path: Path, rules: list[Rule] = RULES) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Each rule's group rows, and the acknowledged anomalies, from the warehouse."""
    with connect(path) as con:
        groups = {rule.name: con.execute(rule.sql).df() for rule in rules}
        acknowledgements = con.execute(_ACKNOWLEDGEMENTS_SQL).df()
    return groups, acknowledgements


RECONCILIATION_RULE = "computed_matches_published"
GROUP_KEYS_FILLED = ["edition_id", "audience", "question_id", "_item"]


def apply_acknowledgements(checked: pd.DataFrame, acknowledgements: pd.DataFrame) -> pd.DataFrame:
    """Mark failing groups that match an acknowledged anomaly and explain every row in `note`.

    Acknowledgements describe anomalies of the published reports, so they match published
    groups, and the reconciliation of computed shares with a published group that is itself
    an acknowledged anomaly (it cannot be reproduced: the acknowledgement is inherited).
    One acknowledgement key may cover several groups (e.g. the two subtotals of one figure
    column): only the failing ones are acknowledged. An acknowledgement none of whose groups
    fails any more is flagged as stale on its groups.
    """
    # pandas merges never match NaN keys to NaN keys reliably: compare a filled copy.
    checked = checked.assign(_item=checked["item_label"].fillna("")).reset_index(drop=True)
    acks = acknowledgements.assign(_item=acknowledgements["item_label"].fillna(""))[
        ["rule", *GROUP_KEYS_FILLED, "reason", "acknowledged_by", "acknowledged_on"]]
    direct = checked.merge(acks, how="left", on=["rule", *GROUP_KEYS_FILLED])
    inherited = checked[GROUP_KEYS_FILLED].merge(
        acks.rename(columns={"rule": "ack_rule"}).drop_duplicates(GROUP_KEYS_FILLED),
        how="left", on=GROUP_KEYS_FILLED)
    is_reconciliation = direct["rule"] == RECONCILIATION_RULE
    inherited_reason = ("the published group is an acknowledged anomaly (" + inherited["ack_rule"]
                        + "): " + inherited["reason"])
    direct["reason"] = direct["reason"].where(~is_reconciliation, inherited_reason)
    for column in ("acknowledged_by", "acknowledged_on"):
        direct[column] = direct[column].where(~is_reconciliation, inherited[column])
    matched = direct["reason"].notna() & ((direct["source"] == "published") | is_reconciliation)
    key_fails = (matched & ~direct["passed"]).groupby(
        [direct[column] for column in ["rule", *GROUP_KEYS_FILLED]]).transform("any")
    direct["acknowledged"] = matched & ~direct["passed"]
    stale = matched & direct["passed"] & ~key_fails & ~is_reconciliation
    details = direct["group_detail"] if "group_detail" in direct else [None] * len(direct)
    direct["note"] = [
        _note(row.passed, row.failure_note, row.reason if (acknowledged or is_stale) else None,
              row.acknowledged_by, row.acknowledged_on, detail)
        for row, acknowledged, is_stale, detail in zip(direct.itertuples(), direct["acknowledged"], stale, details)
    ]
    return direct.drop(columns=["_item", "reason", "acknowledged_by", "acknowledged_on"])


def _note(passed: bool, failure_note, reason, who, when, detail=None) -> str | None:
    """Why the group fails, or the acknowledgement's reason; prefixed by what was checked."""
    detail = detail if isinstance(detail, str) and detail else None
    if reason is None:
        if passed:
            return detail
        return f"{detail}: {failure_note}" if detail else failure_note
    acknowledgement = f"acknowledged by {who} on {when}: {reason}"
    text = (f"stale acknowledgement (the group passes): {acknowledgement}" if passed
            else f"{failure_note}; {acknowledgement}")
    return f"{detail}: {text}" if detail else text


def audit_rows(checked: pd.DataFrame, run_id: str, checked_at: datetime) -> pd.DataFrame:
    """The contract's columns of `audit.share_checks`, in its order."""
    rows = checked.assign(run_id=run_id, checked_at=checked_at)
    return rows[AUDIT_COLUMNS]


def write_audit(path: Path, rows: pd.DataFrame) -> None:
    """Append this run's rows; earlier runs stay as the audit history.

    The table (and the view audit.latest_share_checks) is created by dbt's on-run-start
    hook (macros/create_audit_tables.sql), so its columns are declared in one place.
    """
    with connect(path, read_only=False) as con:
        con.register("new_rows", rows)
        con.execute("insert into audit.share_checks by name select * from new_rows")
        con.unregister("new_rows")


def run_share_checks(path: Path, run_id: str, docs_dir: Path | None = None,
                     rules: list[Rule] = RULES) -> pd.DataFrame:
    """Read, validate with GX, acknowledge and record; returns this run's audit rows."""
    from orchestration.validation.gx_runner import validate_groups

    groups, acknowledgements = read_groups(path, rules)
    validated = validate_groups(groups, docs_dir=docs_dir, run_name=run_id)
    checked = pd.concat(
        [frame for frame in validated.values() if not frame.empty] or [_empty_checked()],
        ignore_index=True,
    )
    checked = apply_acknowledgements(checked, acknowledgements)
    rows = audit_rows(checked, run_id, datetime.now(timezone.utc).replace(tzinfo=None))
    write_audit(path, rows)
    return rows


def _empty_checked() -> pd.DataFrame:
    return pd.DataFrame(columns=["rule", "source", *GROUP_KEYS, "observed", "lower_bound",
                                 "upper_bound", "passed", "failure_note"])


def checks_of_run(path: Path, run_id: str) -> pd.DataFrame:
    """The audit rows one pipeline run wrote (empty if its checks did not run)."""
    with connect(path) as con:
        return con.execute("select * from audit.share_checks where run_id = ?", [run_id]).df()


def describe_group(row) -> str:
    """One line naming a group the way a reader of the report finds it."""
    where = (f"figure {int(row.source_figure)} of {row.source_report}" if pd.notna(row.source_figure)
             else row.source_report)
    item = f", item '{row.item_label}'" if isinstance(row.item_label, str) else ""
    return (
        f"edition {row.edition_id}, audience {row.audience}, question {row.question_id}{item}, "
        f"{where}: observed {row.observed:g}, "
        f"allowed [{row.lower_bound:g}, {row.upper_bound:g}]"
    )


def unacknowledged_failures(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[~rows["passed"] & ~rows["acknowledged"]]


def summary_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Per rule: groups checked, passed, failed, acknowledged (of the failures)."""
    failed = ~rows["passed"]
    table = pd.DataFrame({
        "rule": rows["rule"],
        "checked": 1,
        "passed": rows["passed"].astype(int),
        "failed": failed.astype(int),
        "acknowledged": (failed & rows["acknowledged"]).astype(int),
    }).groupby("rule", sort=False).sum()
    order = [rule.name for rule in RULES if rule.name in table.index]
    return table.loc[order]
