"""What the report shows, read from the warehouse in one short read-only connection.

Only public objects are read (see docs/contract.md): `marts.answer_shares`, the marts
dimensions (topics, item order, labels) and `audit.latest_share_checks` / `audit.share_checks`.

The charts show published shares only (`source = 'published'`): shares computed from
respondent exports (`source = 'responses'`) never become bars. They appear in the validation
findings only, through the checks of their own groups and the reconciliation rule
`computed_matches_published` (each check carries its `kind`, see `CHECK_KINDS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tendensen.validation.rules import RECONCILIATION_RULE, RULES
from tendensen.warehouse import connect

# Audiences charted first, in this order; further audiences follow in dimension order.
MAIN_AUDIENCES = ("business", "aanbieders")
# Rules in the registry's display order; unknown rules (of an older run) follow alphabetically.
RULE_ORDER = tuple(rule.name for rule in RULES)
# What a check is about: the report's own numbers, the shares computed from an export, or the
# reconciliation of the two (in this display order).
CHECK_KINDS = ("published", "responses", "reconciliation")


@dataclass(frozen=True)
class Share:
    edition_id: str
    audience: str
    item_label: str | None
    option_label: str
    option_order: int
    is_subtotal: bool
    pct: float
    n_base: int | None
    is_partial: bool
    source_report: str
    source_figure: int | None


@dataclass(frozen=True)
class Check:
    rule: str
    edition_id: str | None
    audience: str | None
    question_id: str | None
    item_label: str | None
    source_report: str | None
    source_figure: int | None
    observed: float | None
    lower_bound: float | None
    upper_bound: float | None
    passed: bool
    acknowledged: bool
    note: str | None
    kind: str = "published"  # one of CHECK_KINDS


def check_kind(rule: str, source_report: str | None, document_sources: dict[str, str]) -> str:
    """`reconciliation` for computed_matches_published, else the source of the checked document
    (`responses` for an export's groups); groups of an unknown document count as published."""
    if rule == RECONCILIATION_RULE:
        return "reconciliation"
    return "responses" if document_sources.get(source_report or "") == "responses" else "published"


@dataclass
class Question:
    question_id: str
    question_text: str
    question_type: str
    max_choices: int | None
    topic_id: str | None
    topic_label: str | None
    conclusion_number: int | None
    question_note: str | None
    codebook_rank: int | None = None  # position in marts.dim_question (the codebook's order)
    shares: list[Share] = field(default_factory=list)
    item_order: dict[str, int] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    @property
    def figures(self) -> list[int]:
        return sorted({s.source_figure for s in self.shares if s.source_figure is not None})

    @property
    def has_prose_numbers(self) -> bool:
        return any(s.source_figure is None for s in self.shares)

    @property
    def source_reports(self) -> list[str]:
        return sorted({s.source_report for s in self.shares})

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    @property
    def sort_key(self) -> tuple:
        figures = self.figures
        rank = self.codebook_rank if self.codebook_rank is not None else 10**6
        return (0 if figures else 1, figures[0] if figures else 0, rank, self.question_id)


@dataclass
class Topic:
    topic_id: str
    topic_label: str
    conclusion_number: int | None
    questions: list[Question]


@dataclass
class ReportData:
    warehouse: Path
    questions: list[Question]
    topics: list[Topic]
    editions: list[tuple[str, str]]  # (edition_id, edition_label), only editions that are charted
    audience_labels: dict[str, str]
    checks: list[Check]  # every check of the latest run
    run_id: str | None
    checked_at: datetime | None
    orphan_checks: list[Check]  # failed checks of the latest run whose question has no chart

    def audience_order(self, audiences: set[str]) -> list[str]:
        known = list(MAIN_AUDIENCES) + [a for a in self.audience_labels if a not in MAIN_AUDIENCES]
        return [a for a in known if a in audiences] + sorted(audiences - set(known))

    def audience_label(self, audience: str | None) -> str:
        if audience is None:
            return "—"
        return self.audience_labels.get(audience, audience)

    def rules(self) -> list[str]:
        present = {c.rule for c in self.checks}
        return [r for r in RULE_ORDER if r in present] + sorted(present - set(RULE_ORDER))


def _records(con, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _relation_exists(con, schema: str, name: str) -> bool:
    sql = "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
    return con.execute(sql, [schema, name]).fetchall()[0][0] > 0


def load(warehouse: Path) -> ReportData:
    """Read everything the report needs; the connection is closed before rendering starts."""
    with connect(warehouse, read_only=True) as con:
        share_rows = _load_published_shares(con)
        dim_question = _load_dim_question(con)
        item_order = _load_item_order(con)
        editions = _load_editions(con)
        audiences = _load_audiences(con)
        document_sources = _load_document_sources(con)
        check_rows = _load_latest_checks(con)

    questions = _questions(share_rows, dim_question, item_order)
    checks = [
        Check(
            **{k: v for k, v in r.items() if k not in ("run_id", "checked_at")},
            kind=check_kind(r["rule"], r["source_report"], document_sources),
        )
        for r in check_rows
    ]
    orphan_checks = []
    for c in checks:
        if c.question_id in questions:
            questions[c.question_id].checks.append(c)
        elif not c.passed:
            orphan_checks.append(c)
    latest = max(check_rows, key=lambda r: r["checked_at"], default=None)
    topics = _topics(questions.values())

    charted = {s.edition_id for q in questions.values() for s in q.shares}
    edition_labels = {r["edition_id"]: r["edition_label"] for r in editions}
    edition_list = [(e, edition_labels.get(e, e)) for e in sorted(charted)]

    return ReportData(
        warehouse=warehouse,
        questions=[q for t in topics for q in t.questions],
        topics=topics,
        editions=edition_list,
        audience_labels={r["audience"]: r["audience_label"] for r in audiences},
        checks=checks,
        run_id=latest["run_id"] if latest else None,
        checked_at=latest["checked_at"] if latest else None,
        orphan_checks=orphan_checks,
    )


# ------------------------------------------------------------------ one loader per table
# A dimension missing from an older or partial warehouse reads as empty: the report still renders.


def _load_published_shares(con) -> list[dict]:
    return _records(
        con,
        """
        select question_id, question_text, question_type, max_choices, edition_id, audience,
               item_label, option_label, option_order, is_subtotal, pct, n_base, is_partial,
               source_report, source_figure
        from marts.answer_shares
        where source = 'published'
        order by question_id, item_label nulls first, option_order, audience, edition_id
        """,
    )


def _load_dim_question(con) -> dict[str, dict]:
    """question_id -> its topic, conclusion, note and codebook rank."""
    if not _relation_exists(con, "marts", "dim_question"):
        return {}
    rows = _records(
        con,
        "select question_id, topic_id, topic_label, conclusion_number, question_note, "
        "rowid as codebook_rank from marts.dim_question",
    )
    return {r["question_id"]: r for r in rows}


def _load_item_order(con) -> list[dict]:
    if not _relation_exists(con, "marts", "dim_item"):
        return []
    return _records(con, "select question_id, item_label, item_order from marts.dim_item")


def _load_editions(con) -> list[dict]:
    if not _relation_exists(con, "marts", "dim_edition"):
        return []
    return _records(con, "select edition_id, edition_label from marts.dim_edition")


def _load_audiences(con) -> list[dict]:
    if not _relation_exists(con, "marts", "dim_audience"):
        return []
    return _records(con, "select audience, audience_label from marts.dim_audience")


def _load_document_sources(con) -> dict[str, str]:
    """Which source each document's numbers are (a report: published; an export: responses)."""
    rows = _records(
        con,
        "select distinct source_report, source from marts.answer_shares where source_report is not null",
    )
    return {r["source_report"]: r["source"] for r in rows}


_CHECK_COLUMNS = (
    "run_id, checked_at, rule, edition_id, audience, question_id, item_label, source_report, "
    "source_figure, observed, lower_bound, upper_bound, passed, acknowledged, note"
)


def _load_latest_checks(con) -> list[dict]:
    """The checks of the latest validation run: the view where it exists, else the table."""
    if _relation_exists(con, "audit", "latest_share_checks"):
        return _records(con, f"select {_CHECK_COLUMNS} from audit.latest_share_checks")
    if _relation_exists(con, "audit", "share_checks"):
        return _records(
            con,
            f"select {_CHECK_COLUMNS} from audit.share_checks where run_id = "
            "(select arg_max(run_id, checked_at) from audit.share_checks)",
        )
    return []


# ------------------------------------------------------------------ assembly


def _questions(
    share_rows: list[dict], dim_question: dict[str, dict], item_order: list[dict]
) -> dict[str, Question]:
    """One Question per question with published shares, its shares and item order."""
    questions: dict[str, Question] = {}
    for r in share_rows:
        q = questions.get(r["question_id"])
        if q is None:
            meta = dim_question.get(r["question_id"], {})
            q = questions[r["question_id"]] = Question(
                question_id=r["question_id"],
                question_text=r["question_text"] or r["question_id"],
                question_type=r["question_type"] or "",
                max_choices=r["max_choices"],
                topic_id=meta.get("topic_id"),
                topic_label=meta.get("topic_label"),
                conclusion_number=meta.get("conclusion_number"),
                question_note=meta.get("question_note"),
                codebook_rank=meta.get("codebook_rank"),
            )
        q.shares.append(
            Share(
                edition_id=r["edition_id"],
                audience=r["audience"],
                item_label=r["item_label"],
                option_label=r["option_label"],
                option_order=r["option_order"] if r["option_order"] is not None else 0,
                is_subtotal=bool(r["is_subtotal"]),
                pct=float(r["pct"]) if r["pct"] is not None else 0.0,
                n_base=r["n_base"],
                is_partial=bool(r["is_partial"]),
                source_report=r["source_report"] or "",
                source_figure=r["source_figure"],
            )
        )
    for r in item_order:
        q = questions.get(r["question_id"])
        if q is not None and r["item_label"] is not None and r["item_order"] is not None:
            q.item_order[r["item_label"]] = r["item_order"]
    return questions


def _topics(questions) -> list[Topic]:
    """The questions grouped by topic, each topic's questions in report order; topics in the
    order of their first figure (the report's own order), unfigured topics last."""
    topics: dict[str, Topic] = {}
    for q in sorted(questions, key=lambda q: q.sort_key):
        key = q.topic_id or "_overig"
        topic = topics.get(key)
        if topic is None:
            topic = topics[key] = Topic(
                topic_id=key,
                topic_label=q.topic_label or "Overige vragen",
                conclusion_number=q.conclusion_number,
                questions=[],
            )
        topic.questions.append(q)
    return sorted(
        topics.values(),
        key=lambda t: (t.topic_id == "_overig", t.questions[0].sort_key[:2], t.conclusion_number or 0),
    )
