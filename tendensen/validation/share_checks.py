"""Validate the shares and record every checked group in `audit.share_checks`.

Three steps, each with its own short-lived connection (DuckDB: one writer or many readers):
1. read: the rule SQL aggregates the marts into group rows (read-only connection);
2. validate: Great Expectations checks every group row (in memory, no connection);
3. write: one audit row per group and rule, passes and failures alike (read-write).
"""

from __future__ import annotations

import csv
import io
import numbers
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from tendensen.validation.rules import GROUP_KEYS, RECONCILIATION_RULE, RULES, Rule
from tendensen.warehouse import connect

# The contract's columns of audit.share_checks, in its order (DDL: macros/create_audit_tables.sql).
AUDIT_COLUMNS = [
    "run_id",
    "checked_at",
    "rule",
    "edition_id",
    "audience",
    "question_id",
    "item_label",
    "source_report",
    "source_figure",
    "observed",
    "lower_bound",
    "upper_bound",
    "passed",
    "acknowledged",
    "note",
]

# Where a person acknowledges a finding checked against the report (relative to the repository).
ACKNOWLEDGEMENTS_FILE = "seeds/audit/acknowledged_anomalies.csv"
ACKNOWLEDGEMENT_COLUMNS = [
    "rule",
    "edition_id",
    "audience",
    "question_id",
    "item_id",
    "reason",
    "acknowledged_by",
    "acknowledged_on",
]

# Where each published group was printed, and its item's id (audit rows carry labels only).
# Where each checked group is printed: its published shares' locators as one sorted text.
# `{sorted_locators}` is the engine's aggregate (tendensen/spark/share_checks.py has Spark's).
LOCATORS_SQL_TEMPLATE = """
    select
        shares.edition_id, shares.audience, shares.question_id, items.item_label,
        documents.source_report, shares.source_figure,
        any_value(items.item_id) as item_id,
        {sorted_locators} as source_locator
    from marts.fct_answer_shares as shares
    left join marts.dim_item as items on items.item_key = shares.item_key
    left join marts.dim_source_document as documents
        on documents.source_document_id = shares.source_document_id
    where shares.source = 'published'
    group by all
"""
_LOCATORS_SQL = LOCATORS_SQL_TEMPLATE.format(
    sorted_locators="string_agg(distinct shares.source_locator, '; ' order by shares.source_locator)"
)
_LOCATOR_KEYS = ["edition_id", "audience", "question_id", "item_label", "source_report", "source_figure"]

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
        ["rule", *GROUP_KEYS_FILLED, "reason", "acknowledged_by", "acknowledged_on"]
    ]
    direct = checked.merge(acks, how="left", on=["rule", *GROUP_KEYS_FILLED])
    inherited = checked[GROUP_KEYS_FILLED].merge(
        acks.rename(columns={"rule": "ack_rule"}).drop_duplicates(GROUP_KEYS_FILLED),
        how="left",
        on=GROUP_KEYS_FILLED,
    )
    is_reconciliation = direct["rule"] == RECONCILIATION_RULE
    inherited_reason = (
        "the published group is an acknowledged anomaly ("
        + inherited["ack_rule"]
        + "): "
        + inherited["reason"]
    )
    direct["reason"] = direct["reason"].where(~is_reconciliation, inherited_reason)
    for column in ("acknowledged_by", "acknowledged_on"):
        direct[column] = direct[column].where(~is_reconciliation, inherited[column])
    matched = direct["reason"].notna() & ((direct["source"] == "published") | is_reconciliation)
    key_fails = (
        (matched & ~direct["passed"])
        .groupby([direct[column] for column in ["rule", *GROUP_KEYS_FILLED]])
        .transform("any")
    )
    direct["acknowledged"] = matched & ~direct["passed"]
    stale = matched & direct["passed"] & ~key_fails & ~is_reconciliation
    details = direct["group_detail"] if "group_detail" in direct else [None] * len(direct)
    direct["note"] = [
        _note(
            row.passed,
            row.failure_note,
            row.reason if (acknowledged or is_stale) else None,
            row.acknowledged_by,
            row.acknowledged_on,
            detail,
        )
        for row, acknowledged, is_stale, detail in zip(
            direct.itertuples(), direct["acknowledged"], stale, details, strict=True
        )
    ]
    return direct.drop(columns=["_item", "reason", "acknowledged_by", "acknowledged_on"])


def _note(passed: bool, failure_note, reason, who, when, detail=None) -> str | None:
    """Why the group fails, or the acknowledgement's reason; prefixed by what was checked."""
    detail = detail if isinstance(detail, str) and detail else None
    if reason is None:
        if passed:
            return detail
        return f"{detail}: {failure_note}" if detail else failure_note
    acknowledgement = f"acknowledged by {who} on {as_date_text(when)}: {reason}"
    text = (
        f"stale acknowledgement (the group passes): {acknowledgement}"
        if passed
        else f"{failure_note}; {acknowledgement}"
    )
    return f"{detail}: {text}" if detail else text


def as_date_text(value) -> str:
    """'2026-11-21' for a date however it arrives (DuckDB's date reaches pandas as a timestamp)."""
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, date) else str(value)


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


def run_share_checks(
    path: Path, run_id: str, docs_dir: Path | None = None, rules: list[Rule] = RULES
) -> pd.DataFrame:
    """Read, validate with GX, acknowledge and record; returns this run's audit rows with
    each published group's locator and item id (`with_locators`)."""
    groups, acknowledgements = read_groups(path, rules)
    rows = check_groups(groups, acknowledgements, run_id, docs_dir)
    write_audit(path, rows)
    return with_locators(rows, read_locators(path))


def check_groups(
    groups: dict[str, pd.DataFrame], acknowledgements: pd.DataFrame, run_id: str, docs_dir: Path | None
) -> pd.DataFrame:
    """Validate the rules' group rows with GX and acknowledge: this run's audit rows (whatever
    engine the groups were read from: DuckDB here, Spark in tendensen/spark/share_checks.py)."""
    from tendensen.validation.gx_runner import validate_groups

    validated = validate_groups(groups, docs_dir=docs_dir, run_name=run_id)
    checked = pd.concat(
        [frame for frame in validated.values() if not frame.empty] or [_empty_checked()],
        ignore_index=True,
    )
    checked = apply_acknowledgements(checked, acknowledgements)
    return audit_rows(checked, run_id, datetime.now(timezone.utc).replace(tzinfo=None))


def _empty_checked() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[
            "rule",
            "source",
            *GROUP_KEYS,
            "observed",
            "lower_bound",
            "upper_bound",
            "passed",
            "failure_note",
        ]
    )


def checks_of_run(path: Path, run_id: str) -> pd.DataFrame:
    """The audit rows one pipeline run wrote (empty if its checks did not run), with the
    locator and item id of each published group (`with_locators`)."""
    with connect(path) as con:
        rows = con.execute("select * from audit.share_checks where run_id = ?", [run_id]).df()
    return with_locators(rows, read_locators(path))


def read_locators(path: Path) -> pd.DataFrame:
    with connect(path) as con:
        return con.execute(_LOCATORS_SQL).df()


def with_locators(rows: pd.DataFrame, locators: pd.DataFrame) -> pd.DataFrame:
    """`rows` plus `source_locator` (where the group is printed: 'Figuur 7', 'tekst: ...')
    and `item_id`, matched on the group keys; null for computed groups."""

    def key_text(value) -> str:  # pandas never matches NaN keys reliably; 7 and 7.0 are one figure
        if pd.isna(value):
            return ""
        return str(int(value)) if isinstance(value, numbers.Number) else str(value)

    def filled(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(**{f"_{key}": frame[key].map(key_text) for key in _LOCATOR_KEYS})

    keys = [f"_{key}" for key in _LOCATOR_KEYS]
    lookup = filled(locators)[[*keys, "source_locator", "item_id"]].drop_duplicates(keys)
    merged = filled(rows.drop(columns=["source_locator", "item_id"], errors="ignore").reset_index(drop=True))
    return merged.merge(lookup, how="left", on=keys).drop(columns=keys)


def describe_group(row) -> str:
    """One line naming a group the way a reader of the report finds it: by its locator
    ('Figuur 7', 'tekst: conclusie 2', 'p. 14') where known, else by its figure."""
    locator = getattr(row, "source_locator", None)
    if isinstance(locator, str) and locator:
        where = f"{locator} of {row.source_report}"
    elif pd.notna(row.source_figure):
        where = f"figure {int(row.source_figure)} of {row.source_report}"
    else:
        where = row.source_report
    item = f", item '{row.item_label}'" if isinstance(row.item_label, str) else ""
    return (
        f"edition {row.edition_id}, audience {row.audience}, question {row.question_id}{item}, "
        f"{where}: observed {row.observed:g}, "
        f"allowed [{row.lower_bound:g}, {row.upper_bound:g}]"
    )


def acknowledgement_row(row, today: str | None = None) -> str:
    """The CSV line of ACKNOWLEDGEMENTS_FILE that would acknowledge this failing group
    (`row`: a pandas Series or an `itertuples` row of the audit rows with their locators)."""
    item_id = _field(row, "item_id")
    values = {
        "rule": _field(row, "rule"),
        "edition_id": _field(row, "edition_id"),
        "audience": _field(row, "audience"),
        "question_id": _field(row, "question_id"),
        "item_id": item_id if isinstance(item_id, str) else "",
        "reason": "<why the report really prints it so, with its page or figure>",
        "acknowledged_by": "<your name>",
        "acknowledged_on": today or date.today().isoformat(),
    }
    line = io.StringIO()
    csv.writer(line, lineterminator="").writerow([values[column] for column in ACKNOWLEDGEMENT_COLUMNS])
    return line.getvalue()


def _field(row, name: str):
    return row.get(name) if isinstance(row, pd.Series) else getattr(row, name, None)


def acknowledgement_hint(row, today: str | None = None) -> str | None:
    """What to do about a failing published group: check it against the report; if the report
    really prints it so, add the row (never edit the number). None for a group that no row
    acknowledges: a computed share (its export is wrong, or it inherits the acknowledgement
    of its published group)."""
    if _field(row, "rule") == RECONCILIATION_RULE or not isinstance(_field(row, "source_locator"), str):
        return None
    return (
        f"if the report really prints it so, acknowledge it (never edit the number): add to "
        f"{ACKNOWLEDGEMENTS_FILE} the row: {acknowledgement_row(row, today)}"
    )


def unacknowledged_failures(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[~rows["passed"] & ~rows["acknowledged"]]


def summary_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Per rule: groups checked, passed, failed, acknowledged (of the failures)."""
    failed = ~rows["passed"]
    table = (
        pd.DataFrame(
            {
                "rule": rows["rule"],
                "checked": 1,
                "passed": rows["passed"].astype(int),
                "failed": failed.astype(int),
                "acknowledged": (failed & rows["acknowledged"]).astype(int),
            }
        )
        .groupby("rule", sort=False)
        .sum()
    )
    order = [rule.name for rule in RULES if rule.name in table.index]
    return table.loc[order]
