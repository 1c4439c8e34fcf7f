"""A static HTML report of the published shares, with the validation findings beside each chart.

`build_report(warehouse, out_dir)` writes one self-contained `index.html`: inline CSS, inline
SVG charts and two tiny inline scripts (an error counter and the chart count, so a headless
browser can verify the page). No network, no JavaScript library. The page's skeleton
(templates/page.html, a `string.Template`) and its stylesheet (templates/report.css) are
package data; this module renders what goes into them.

The bars are published shares only. Shares computed from respondent exports show up in the
findings: the checks of their own groups, and `computed_matches_published`, one check per
computed option. Its acknowledged failures (a published group that is itself a documented
anomaly cannot be reproduced) are folded into one findings line per question, edition and
audience with their count (`group_findings`); unacknowledged ones stay listed one by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path
from string import Template

from tendensen.files import replace_atomically
from tendensen.report.data import (
    CHECK_KINDS,
    Check,
    Question,
    ReportData,
    Share,
    load,
)
from tendensen.report.svg import (
    PERCENT,
    Bar,
    Group,
    Row,
    Scale,
    bar_chart,
    defs_svg,
    edition_colours,
    fmt_number,
    mean_scale,
    pattern_id,
)
from tendensen.validation.rules import RECONCILIATION_RULE, RULES

FULL_WIDTH = 730
SMALL_WIDTH = 357  # matrix items: two small charts side by side in the chart column

TYPE_LABELS = {
    "single_choice": "enkelvoudige keuze",
    "multi_choice": "meerkeuze",
    "agreement_matrix": "akkoordmatrix",
    "scale_matrix": "schaalmatrix",
    "mean_score": "gemiddelde score (schaal 0–7)",
}
RULE_LABELS = {rule.name: rule.label_nl for rule in RULES}
KIND_LABELS = {
    "published": "gepubliceerde cijfers",
    "responses": "berekend uit de respondentexport",
    "reconciliation": "berekend vs. gepubliceerd",
}
# The note of a computed_matches_published check (tendensen/validation/rules.py):
# 'option "<label>" (published P, computed from <export>): <why>; acknowledged by ...'
_RECONCILIATION_NOTE = re.compile(
    r'^option "(?P<option>.*?)" \(published (?P<published>[^,]*), computed from (?P<export>.*?)\): ',
    re.DOTALL,
)

# The page's skeleton, stylesheet and scripts are package data (templates/), read once.
TEMPLATES = files("tendensen.report") / "templates"


@cache
def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class BuiltReport:
    path: Path
    chart_count: int


@dataclass(frozen=True)
class Finding:
    """One line of a findings table: one failed check, or the acknowledged reconciliation
    failures of one question, edition and audience folded into one line (`grouped`)."""

    checks: tuple[Check, ...]
    grouped: bool = False

    @property
    def first(self) -> Check:
        return self.checks[0]

    @property
    def count(self) -> int:
        return len(self.checks)

    @property
    def acknowledged(self) -> bool:
        return all(c.acknowledged for c in self.checks)

    @property
    def item_label(self) -> str | None:
        items = {c.item_label for c in self.checks}
        return items.pop() if len(items) == 1 else None

    @property
    def sort_key(self) -> tuple:
        """Open findings first; then the report's own anomalies before the reconciliation
        lines they cause."""
        c = self.first
        kind = CHECK_KINDS.index(c.kind) if c.kind in CHECK_KINDS else len(CHECK_KINDS)
        return (
            self.acknowledged,
            kind,
            c.rule,
            c.question_id or "",
            c.edition_id or "",
            c.audience or "",
            c.item_label or "",
        )


def group_findings(failed: list[Check]) -> list[Finding]:
    """The findings lines of failed checks: every failure on its own line, except the
    acknowledged computed_matches_published failures, one line per question, edition and
    audience (a pick-three figure that adds to 322 makes every computed option miss its
    published number: one cause, one line). Unacknowledged reconciliation failures stay
    listed one by one: each needs a look."""
    lines: list[Finding] = []
    folded: dict[tuple, list[Check]] = {}
    for c in failed:
        if c.rule == RECONCILIATION_RULE and c.acknowledged:
            folded.setdefault((c.question_id, c.edition_id, c.audience), []).append(c)
        else:
            lines.append(Finding((c,)))
    lines.extend(Finding(tuple(checks), grouped=True) for checks in folded.values())
    return sorted(lines, key=lambda f: f.sort_key)


def _reconciliation_summary(checks: tuple[Check, ...]) -> tuple[str, list[str], str]:
    """(what differs, per option "published → computed", the acknowledgement) of folded
    reconciliation failures, in Dutch."""
    options, exports, acknowledgements = [], [], []
    for c in sorted(checks, key=lambda c: -((c.lower_bound or 0) + (c.upper_bound or 0))):
        match = _RECONCILIATION_NOTE.match(c.note or "")
        label = match.group("option") if match else "?"
        if c.item_label:
            label = f"{c.item_label} · {label}"
        published = (
            fmt_number((c.lower_bound + c.upper_bound) / 2, 1)
            if c.lower_bound is not None and c.upper_bound is not None
            else (match.group("published") if match else "?")
        )
        computed = "—" if c.observed is None else fmt_number(c.observed, 1)
        options.append(f"{label} {published} → {computed}")
        if match and match.group("export") not in exports:
            exports.append(match.group("export"))
        note = c.note or ""
        start = note.find("acknowledged by ")
        acknowledgement = note[start:] if start >= 0 else note
        if acknowledgement and acknowledgement not in acknowledgements:
            acknowledgements.append(acknowledgement)
    source = f" uit {', '.join(exports)}" if exports else ""
    noun = "aandeel" if len(checks) == 1 else "aandelen"
    verb = "wijkt" if len(checks) == 1 else "wijken"
    what = f"{len(checks)} {noun} berekend{source} {verb} meer dan 1 punt af van het gepubliceerde cijfer."
    return what, options, " | ".join(acknowledgements) or "—"


def _fmt_bound(value: float | None, fallback: str) -> str:
    return fallback if value is None else fmt_number(value)


def _swatch(colour: str, kind: str = "plain", edition_id: str = "") -> str:
    if kind == "subtotal":
        paint = f'fill="url(#{pattern_id(edition_id)})" stroke="{colour}" stroke-width="1.5"'
    elif kind == "partial":
        paint = (
            f'fill="{colour}" fill-opacity="0.35" stroke="{colour}" stroke-width="1.5" stroke-dasharray="3 2"'
        )
    else:
        paint = f'fill="{colour}"'
    return (
        '<svg width="22" height="12" aria-hidden="true" focusable="false">'
        f'<rect x="1" y="1" width="20" height="10" {paint}/></svg>'
    )


class Renderer:
    def __init__(self, data: ReportData):
        self.data = data
        self.edition_ids = [e for e, _ in data.editions]
        self.edition_labels = dict(data.editions)
        self.colours = edition_colours(self.edition_ids)
        self._svg_ids = 0

    # ------------------------------------------------------------------ helpers
    def _next_svg_id(self) -> str:
        self._svg_ids += 1
        return f"chart-{self._svg_ids}"

    def _edition_legend(self, edition_ids: list[str], *, with_labels: bool) -> str:
        items = []
        for e in edition_ids:
            label = f'<span class="ed">{escape(e)}</span>'
            if with_labels and self.edition_labels.get(e, e) != e:
                label += f' <span class="subtitle">{escape(self.edition_labels[e])}</span>'
            items.append(f"<li>{_swatch(self.colours[e])}{label}</li>")
        return "".join(items)

    def _marker_legend(self, *, subtotal: bool, partial: bool) -> str:
        items = []
        if subtotal:
            items.append(
                f"<li>{_swatch('#555', 'subtotal', self.edition_ids[-1])}"
                "subtotaal (gearceerd; geen deel van de som der opties)</li>"
            )
        if partial:
            items.append(
                f"<li>{_swatch('#555', 'partial')}"
                "gedeeltelijk* (cijfer uit de lopende tekst, verdeling onvolledig)</li>"
            )
        return "".join(items)

    def _share_tooltip(self, q: Question, s: Share, scale: Scale) -> str:
        parts = [self.data.audience_label(s.audience), s.edition_id]
        if s.item_label:
            parts.append(s.item_label)
        text = " · ".join(parts) + f" · {s.option_label}: {scale.label(s.pct)}"
        if s.n_base:
            text += f" (n = {s.n_base})"
        if s.is_subtotal:
            text += " — subtotaal"
        if s.is_partial:
            text += " — gedeeltelijk: cijfer uit de lopende tekst"
        text += f" — Figuur {s.source_figure}" if s.source_figure is not None else " — lopende tekst"
        return text

    def _item_sort(self, q: Question, item: str | None) -> tuple:
        if item is None:
            return (0, 0, "")
        return (1, q.item_order.get(item, 10**6), item)

    def _flag(self, q: Question, audience: str, item: str | None, by_item: bool) -> str | None:
        failed = [
            c
            for c in q.failed_checks
            if c.audience == audience and (not by_item or c.item_label in (None, item))
        ]
        if not failed:
            return None
        open_count = sum(not c.acknowledged for c in failed)
        own = [c for c in failed if c.kind != "reconciliation"]
        reconciled = [c for c in failed if c.kind == "reconciliation"]
        parts = []
        if own:
            parts.append(f"{len(own)} {'afwijking' if len(own) == 1 else 'afwijkingen'}")
        if reconciled:
            parts.append(f"{len(reconciled)}× berekend ≠ gepubliceerd")
        state = f"{open_count} niet erkend" if open_count else "erkend"
        return f"⚠ {' · '.join(parts)} ({state}), zie validatie →"

    # ------------------------------------------------------------------ charts
    def _groups(
        self, q: Question, shares: list[Share], scale: Scale, row_by: str, item: str | None
    ) -> list[Group]:
        audiences = self.data.audience_order({s.audience for s in shares})
        edition_rank = {e: i for i, e in enumerate(self.edition_ids)}
        groups = []
        for audience in audiences:
            rows: dict[tuple, list[Share]] = {}
            for s in shares:
                if s.audience != audience:
                    continue
                if row_by == "item":
                    key = (self._item_sort(q, s.item_label), s.item_label or s.option_label, False)
                else:
                    key = ((s.option_order, s.option_label), s.option_label, s.is_subtotal)
                rows.setdefault(key, []).append(s)
            group_rows = []
            for (_, label, is_subtotal), row_shares in sorted(rows.items(), key=lambda kv: kv[0][0]):
                row_shares.sort(key=lambda s: edition_rank.get(s.edition_id, 0))
                bars = [
                    Bar(s.edition_id, s.pct, s.is_subtotal, s.is_partial, self._share_tooltip(q, s, scale))
                    for s in row_shares
                ]
                group_rows.append(Row(label, is_subtotal, bars))
            groups.append(
                Group(
                    label=self.data.audience_label(audience),
                    flag=self._flag(q, audience, item, by_item=row_by == "option" and item is not None),
                    rows=group_rows,
                )
            )
        return groups

    def _description(self, q: Question, shares: list[Share], scale: Scale, rows_are: str) -> str:
        audiences = ", ".join(
            self.data.audience_label(a) for a in self.data.audience_order({s.audience for s in shares})
        )
        editions = ", ".join(sorted({s.edition_id for s in shares}))
        what = "gemiddelde score (0–7)" if scale is not PERCENT else "aandeel in %"
        return (
            f"Horizontaal staafdiagram: {what} per {rows_are}, gegroepeerd per doelgroep "
            f"({audiences}), één staaf per editie ({editions})."
        )

    def chart(self, q: Question) -> str:
        is_mean = q.question_type == "mean_score"
        options = {s.option_label for s in q.shares}
        items = sorted({s.item_label for s in q.shares}, key=lambda i: self._item_sort(q, i))
        if is_mean:
            scale = mean_scale(next(iter(options)) if len(options) == 1 else "gemiddelde score (0–7)")
        else:
            scale = PERCENT

        blocks = []
        if items == [None]:
            blocks.append(
                bar_chart(
                    self._groups(q, q.shares, scale, "option", None),
                    svg_id=self._next_svg_id(),
                    title=q.question_text,
                    description=self._description(q, q.shares, scale, "antwoordoptie"),
                    width=FULL_WIDTH,
                    scale=scale,
                    colours=self.colours,
                )
            )
        elif len(options) == 1:
            # One value per item (e.g. mean scores): the items are the rows.
            blocks.append(
                bar_chart(
                    self._groups(q, q.shares, scale, "item", None),
                    svg_id=self._next_svg_id(),
                    title=q.question_text,
                    description=self._description(q, q.shares, scale, "item"),
                    width=FULL_WIDTH,
                    scale=scale,
                    colours=self.colours,
                )
            )
        else:
            # Matrix questions: one small chart per item (row of the matrix).
            small = []
            for item in items:
                shares = [s for s in q.shares if s.item_label == item]
                label = item or "(zonder item)"
                svg = bar_chart(
                    self._groups(q, shares, scale, "option", item),
                    svg_id=self._next_svg_id(),
                    title=f"{q.question_text} — {label}",
                    description=self._description(q, shares, scale, "antwoordoptie"),
                    width=SMALL_WIDTH,
                    scale=scale,
                    colours=self.colours,
                )
                small.append(f'<div class="item"><h4>{escape(label)}</h4>{svg}</div>')
            blocks.append(f'<div class="items">{"".join(small)}</div>')

        editions = [e for e in self.edition_ids if any(s.edition_id == e for s in q.shares)]
        has_subtotal = any(s.is_subtotal for s in q.shares)
        has_partial = any(s.is_partial for s in q.shares)
        legend = (
            f'<ul class="legend" aria-label="Legende">{self._edition_legend(editions, with_labels=True)}'
            f"{self._marker_legend(subtotal=has_subtotal, partial=has_partial)}</ul>"
        )
        footnotes = []
        if has_partial:
            footnotes.append(
                "* Gedeeltelijk: dit cijfer wordt alleen in de lopende tekst vermeld; de rest van de "
                "verdeling is niet gepubliceerd."
            )
        if q.question_type == "multi_choice" and not is_mean:
            footnotes.append(
                f"Meerdere antwoorden mogelijk (max. {q.max_choices}); de aandelen tellen niet op tot 100%."
                if q.max_choices
                else "Meerdere antwoorden mogelijk; de aandelen tellen niet op tot 100%."
            )
        notes = "".join(f'<p class="footnote">{escape(n)}</p>' for n in footnotes)
        return (
            f'<figure class="chart" data-question-id="{escape(q.question_id)}" '
            f'aria-labelledby="title-{escape(q.question_id)}">'
            f"{self._caption(q)}{legend}{''.join(blocks)}{notes}{self._data_table(q, scale)}</figure>"
        )

    def _caption(self, q: Question) -> str:
        figures = q.figures
        if figures:
            fig = ("Figuur " if len(figures) == 1 else "Figuren ") + ", ".join(str(f) for f in figures)
            if q.has_prose_numbers:
                fig += " en lopende tekst"
        else:
            fig = "lopende tekst (geen figuur)"
        kind = TYPE_LABELS.get(q.question_type, q.question_type)
        if q.question_type == "multi_choice" and q.max_choices:
            kind += f" (max. {q.max_choices} keuzes)"
        subtitle = " · ".join(
            [
                f"<code>{escape(q.question_id)}</code>",
                escape(fig),
                *map(escape, q.source_reports),
                escape(kind),
            ]
        )
        note = f'<p class="qnote">{escape(q.question_note)}</p>' if q.question_note else ""
        return (
            f'<figcaption><h3 id="title-{escape(q.question_id)}" lang="nl">{escape(q.question_text)}</h3>'
            f'<p class="subtitle">{subtitle}</p>{note}</figcaption>'
        )

    def _data_table(self, q: Question, scale: Scale) -> str:
        with_items = any(s.item_label for s in q.shares)
        head = ["Doelgroep", *(["Item"] if with_items else []), "Optie", "Editie", "Waarde", "n", "Bron"]
        rows = []
        audience_rank = {a: i for i, a in enumerate(self.data.audience_order({s.audience for s in q.shares}))}
        for s in sorted(
            q.shares,
            key=lambda s: (
                audience_rank[s.audience],
                self._item_sort(q, s.item_label),
                s.option_order,
                s.edition_id,
            ),
        ):
            flags = [w for w, on in (("subtotaal", s.is_subtotal), ("gedeeltelijk", s.is_partial)) if on]
            source = f"Figuur {s.source_figure}" if s.source_figure is not None else "lopende tekst"
            cells = [
                escape(self.data.audience_label(s.audience)),
                *([escape(s.item_label or "")] if with_items else []),
                escape(s.option_label) + (f" <em>({', '.join(flags)})</em>" if flags else ""),
                escape(s.edition_id),
                f'<span class="num">{escape(scale.label(s.pct))}</span>',
                "" if s.n_base is None else str(s.n_base),
                escape(source),
            ]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        header = "".join(f'<th scope="col">{h}</th>' for h in head)
        return (
            f"<details><summary>Cijfers als tabel ({len(q.shares)})</summary><table>"
            f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table></details>"
        )

    # ------------------------------------------------------------------ findings
    def findings_table(self, checks: list[Check], key: str) -> str:
        """Failed checks as a table: one row per finding (see `group_findings`), its note in a
        full-width row below. `data-count` says how many checks a row stands for."""
        with_question = key == "_orphans"
        columns = [
            *([("Vraag", 22)] if with_question else []),
            ("Regel", 27),
            ("Editie", 11),
            ("Doelgroep", 17),
            ("Waar&shy;genomen", 14),
            ("Toegestaan", 18),
            ("Erkend", 13),
        ]
        total = sum(w for _, w in columns)
        colgroup = "".join(f'<col style="width:{100 * w / total:.1f}%">' for _, w in columns)
        header = "".join(
            f'<th scope="col" class="num">{h}</th>'
            if h.startswith(("Waar", "Toeg"))
            else f'<th scope="col">{h}</th>'
            for h, _ in columns
        )
        body = []
        for finding in group_findings(checks):
            c = finding.first
            state = "ack" if finding.acknowledged else "open"
            ack = '<span class="yes">ja</span>' if finding.acknowledged else '<span class="no">nee</span>'
            if finding.grouped:
                observed = f"{finding.count}&nbsp;{'optie' if finding.count == 1 else 'opties'}"
                allowed = "±&nbsp;1&nbsp;punt"
                what, options, acknowledgement = _reconciliation_summary(finding.checks)
                listed = "".join(f"<li>{escape(option)}</li>" for option in options)
                note = (
                    f"<strong>Samengevat:</strong> {escape(what)}"
                    f'<details class="options"><summary>{finding.count} '
                    f"{'optie' if finding.count == 1 else 'opties'} (gepubliceerd → berekend)</summary>"
                    f"<ul>{listed}</ul></details>"
                    f"<strong>Erkenning (geërfd van de gepubliceerde groep):</strong> {escape(acknowledgement)}"
                )
            else:
                observed = "—" if c.observed is None else fmt_number(c.observed)
                allowed = f"{_fmt_bound(c.lower_bound, '−∞')}&nbsp;–&nbsp;{_fmt_bound(c.upper_bound, '∞')}"
                note = (
                    f"<strong>{'Erkenning' if c.acknowledged else 'Toelichting'}:</strong> "
                    f"{escape(c.note or '—')}"
                )
            rule = escape(c.rule).replace("_", "_<wbr>")
            cells = [
                *(
                    [f"<code>{escape(c.question_id or '—').replace('_', '_<wbr>')}</code>"]
                    if with_question
                    else []
                ),
                f'<code title="{escape(RULE_LABELS.get(c.rule, c.rule))}">{rule}</code>',
                escape(c.edition_id or "—"),
                escape(self.data.audience_label(c.audience)),
                f'<td class="num">{observed}</td>',
                f'<td class="num">{allowed}</td>',
                ack,
            ]
            tds = "".join(cell if cell.startswith("<td") else f"<td>{cell}</td>" for cell in cells)
            item_label = finding.item_label
            item = f"<strong>Item:</strong> {escape(item_label)}<br>" if item_label else ""
            body.append(
                f'<tr class="finding {state}" data-rule="{escape(c.rule)}" data-kind="{escape(c.kind)}" '
                f'data-edition="{escape(c.edition_id or "")}" data-audience="{escape(c.audience or "")}" '
                f'data-item="{escape(item_label or "")}" data-acknowledged="{str(finding.acknowledged).lower()}" '
                f'data-count="{finding.count}">'
                f"{tds}</tr>"
                f'<tr class="finding-note {state}"><td colspan="{len(cells)}">{item}{note}</td></tr>'
            )
        return (
            f'<table class="findings-table" data-findings-for="{escape(key)}">'
            "<caption>Gefaalde controles in de laatste validatierun</caption>"
            f"<colgroup>{colgroup}</colgroup>"
            f"<thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )

    @staticmethod
    def _kind_summary(kind: str, checks: list[Check]) -> str:
        """One sentence per kind of check of a question, in Dutch."""
        failed = [c for c in checks if not c.passed]
        acknowledged = sum(c.acknowledged for c in failed)
        label = KIND_LABELS.get(kind, kind)
        if kind == "reconciliation":
            text = f"{label.capitalize()}: {len(checks)} opties vergeleken, {len(checks) - len(failed)} binnen 1 punt"
            return text + (f", {len(failed)} wijken af ({acknowledged} erkend)." if failed else ".")
        noun = "controle" if len(checks) == 1 else "controles"
        text = f"{label.capitalize()}: {len(checks)} {noun}, {len(checks) - len(failed)} geslaagd"
        return text + (
            f", {len(failed)} gefaald ({acknowledged} erkend)." if failed else ", geen afwijkingen."
        )

    def findings(self, q: Question) -> str:
        checks = q.checks
        failed = q.failed_checks
        stale = [c for c in checks if c.passed and c.acknowledged]
        if not checks:
            summary = "Geen controles voor deze vraag in de laatste validatierun."
        else:
            acknowledged = sum(c.acknowledged for c in failed)
            noun = "controle" if len(checks) == 1 else "controles"
            summary = f"{len(checks)} {noun} in de laatste run: {len(checks) - len(failed)} geslaagd"
            summary += (
                f", {len(failed)} gefaald ({acknowledged} erkend)." if failed else ", geen afwijkingen."
            )
        parts = [
            f'<aside class="findings" aria-labelledby="findings-{escape(q.question_id)}">'
            f'<h4 id="findings-{escape(q.question_id)}">Validatie</h4>',
            f'<p class="{"" if failed else "none"}">{escape(summary)}</p>',
        ]
        kinds = [k for k in CHECK_KINDS if any(c.kind == k for c in checks)]
        kinds += sorted({c.kind for c in checks} - set(CHECK_KINDS))
        if len(kinds) > 1 or kinds[:1] not in ([], ["published"]):
            sentences = "".join(
                f'<li data-kind="{escape(k)}">{escape(self._kind_summary(k, [c for c in checks if c.kind == k]))}</li>'
                for k in kinds
            )
            parts.append(f'<ul class="kinds">{sentences}</ul>')
        if failed:
            parts.append(self.findings_table(failed, q.question_id))
        if stale:
            parts.append(
                '<p class="footnote">'
                + escape(
                    f"{len(stale)} erkenning(en) zonder afwijking (de groep slaagt nu): "
                    + "; ".join(
                        f"{c.rule} {c.edition_id} {self.data.audience_label(c.audience)}" for c in stale
                    )
                    + "."
                )
                + "</p>"
            )
        parts.append("</aside>")
        return "".join(parts)

    # ------------------------------------------------------------------ page
    def summary(self) -> str:
        checks = self.data.checks
        if not checks:
            return (
                '<div class="status bad">Geen validatieresultaten gevonden in audit.share_checks: '
                "draai eerst de pipeline (make run).</div>"
            )
        rows = []
        totals = [0] * 6
        by_rule_and_kind = [
            (rule, kind, [c for c in checks if c.rule == rule and c.kind == kind])
            for rule in self.data.rules()
            for kind in [*CHECK_KINDS, *sorted({c.kind for c in checks} - set(CHECK_KINDS))]
        ]
        for rule, kind, rc in by_rule_and_kind:
            if not rc:
                continue
            failed = [c for c in rc if not c.passed]
            counts = [
                len(rc),
                len(rc) - len(failed),
                len(failed),
                sum(c.acknowledged for c in failed),
                sum(not c.acknowledged for c in failed),
                sum(c.acknowledged and c.passed for c in rc),
            ]
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            cells = "".join(f'<td class="num">{n}</td>' for n in counts)
            rows.append(
                f'<tr data-rule="{escape(rule)}" data-kind="{escape(kind)}"><th scope="row">'
                f'<code>{escape(rule).replace("_", "_<wbr>")}</code> <span class="kind">{escape(KIND_LABELS.get(kind, kind))}</span><br>'
                f'<span class="rule-label">{escape(RULE_LABELS.get(rule, ""))}</span></th>{cells}</tr>'
            )
        heads = ["Gecontroleerd", "Geslaagd", "Gefaald", "Erkend", "Open", "Erkend, toch geslaagd"]
        header = '<th scope="col">Regel</th>' + "".join(
            f'<th scope="col" class="num">{h}</th>' for h in heads
        )
        foot = "<td>Totaal</td>" + "".join(f'<td class="num">{n}</td>' for n in totals)
        _, _, failed, acknowledged, open_, stale = totals
        if open_:
            status = (
                f'<div class="status bad">{open_} van de {failed} gefaalde groepen zijn niet erkend.</div>'
            )
        elif failed:
            status = (
                f'<div class="status ack">Alle {failed} gefaalde groepen zijn erkend als gedocumenteerde '
                "afwijkingen van de bron.</div>"
            )
        else:
            status = '<div class="status ok">Alle controles geslaagd.</div>'
        when = self.data.checked_at.strftime("%Y-%m-%d %H:%M") if self.data.checked_at else "?"
        return (
            f'{status}<table class="rules"><caption>Controles per regel (run <code>{escape(self.data.run_id or "?")}'
            f"</code>, {escape(when)})</caption><thead><tr>{header}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody><tfoot><tr>{foot}</tr></tfoot></table>"
            + '<p class="footnote">Per regel en per bron: gepubliceerde cijfers, aandelen berekend uit de '
            "respondentexport, en <code>computed_matches_published</code> (één controle per berekende optie "
            "tegenover het gepubliceerde cijfer; faalt waar de bron zelf inconsistent is en erft dan diens "
            "erkenning).</p>"
            + (
                f'<p class="footnote">Erkend: gefaald maar erkend als gedocumenteerde afwijking van de bron. '
                f"Open: gefaald en niet erkend. Erkend, toch geslaagd: een erkenning voor een groep die nu "
                f"slaagt ({stale}); die erkenning kan opgeruimd worden.</p>"
                if stale
                else ""
            )
        )

    def toc(self) -> str:
        sections = []
        for topic in self.data.topics:
            items = []
            for q in topic.questions:
                fig = f"Fig. {', '.join(map(str, q.figures))}" if q.figures else "tekst"
                failed = q.failed_checks
                badge = ""
                if failed:
                    kind = "bad" if any(not c.acknowledged for c in failed) else "ack"
                    lines = len(group_findings(failed))
                    badge = (
                        f' <span class="badge {kind}" title="{lines} bevinding(en), {len(failed)} gefaalde '
                        f'controle(s)">⚠ {lines}</span>'
                    )
                items.append(
                    f'<li><a href="#q-{escape(q.question_id)}">{escape(fig)} · {escape(q.question_text)}</a>{badge}</li>'
                )
            sections.append(
                f"<section><h3>{self._topic_heading(topic)}</h3><ol>{''.join(items)}</ol></section>"
            )
        return f'<nav class="toc" aria-label="Inhoud per thema">{"".join(sections)}</nav>'

    @staticmethod
    def _topic_heading(topic) -> str:
        prefix = (
            f'<span class="num">Conclusie {topic.conclusion_number} · </span>'
            if topic.conclusion_number
            else ""
        )
        return prefix + escape(topic.topic_label)

    def question(self, q: Question) -> str:
        failed = q.failed_checks
        classes = "question"
        if failed:
            classes += " has-findings"
            if any(not c.acknowledged for c in failed):
                classes += " has-open-findings"
        return (
            f'<section class="{classes}" id="q-{escape(q.question_id)}" data-question="{escape(q.question_id)}">'
            f"{self.chart(q)}{self.findings(q)}</section>"
        )

    def page(self) -> tuple[str, int]:
        data = self.data
        charts = []
        for topic in data.topics:
            charts.append(
                f'<h2 class="topic" id="topic-{escape(topic.topic_id)}">{self._topic_heading(topic)}</h2>'
            )
            charts.extend(self.question(q) for q in topic.questions)
        orphans = ""
        if data.orphan_checks:
            orphans = (
                '<h2 class="topic" id="overige-bevindingen">Bevindingen zonder grafiek</h2>'
                '<div class="panel"><p>Gefaalde controles van vragen zonder gepubliceerde aandelen in dit rapport.</p>'
                f"{self.findings_table(data.orphan_checks, '_orphans')}</div>"
            )
        chart_count = len(data.questions)
        n_shares = sum(len(q.shares) for q in data.questions)
        generated = datetime.now().strftime("%Y-%m-%d %H:%M")
        all_partial = any(s.is_partial for q in data.questions for s in q.shares)
        all_subtotal = any(s.is_subtotal for q in data.questions for s in q.shares)
        legend = (
            '<ul class="legend editions" aria-label="Edities">'
            f"{self._edition_legend(self.edition_ids, with_labels=True)}</ul>"
            '<ul class="legend" aria-label="Markeringen" style="margin-top:8px">'
            f"{self._marker_legend(subtotal=all_subtotal, partial=all_partial)}</ul>"
        )
        html = Template(_template("page.html")).substitute(
            css=_template("report.css"),
            defs_svg=defs_svg(self.colours),
            chart_count=chart_count,
            n_shares=n_shares,
            warehouse_name=escape(data.warehouse.name),
            generated=generated,
            summary=self.summary(),
            legend=legend,
            toc=self.toc(),
            charts="".join(charts),
            orphans=orphans,
            sources=escape(", ".join(sorted({r for q in data.questions for r in q.source_reports}))),
        )
        return html, chart_count


def render(warehouse: Path) -> tuple[str, int]:
    """The page's HTML and its number of charts."""
    return Renderer(load(warehouse)).page()


def write_report(warehouse: Path, out_dir: Path) -> BuiltReport:
    html, chart_count = render(Path(warehouse))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    replace_atomically(path, html)
    return BuiltReport(path=path, chart_count=chart_count)


def build_report(warehouse: Path, out_dir: Path) -> Path:
    """Write `out_dir/index.html` from the warehouse and return its path."""
    return write_report(warehouse, out_dir).path
