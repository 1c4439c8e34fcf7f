"""A static HTML report of the published shares, with the validation findings beside each chart.

`build_report(warehouse, out_dir)` writes one self-contained `index.html`: inline CSS, inline
SVG charts and two tiny inline scripts (an error counter and the chart count, so a headless
browser can verify the page). No network, no JavaScript library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from orchestration.report.data import Check, Question, ReportData, Share, load
from orchestration.report.svg import (
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

FULL_WIDTH = 730
SMALL_WIDTH = 357  # matrix items: two small charts side by side in the chart column

TYPE_LABELS = {
    "single_choice": "enkelvoudige keuze",
    "multi_choice": "meerkeuze",
    "agreement_matrix": "akkoordmatrix",
    "scale_matrix": "schaalmatrix",
    "mean_score": "gemiddelde score (schaal 0–7)",
}
RULE_LABELS = {
    "single_choice_sums_to_100": "enkelvoudige keuze telt op tot 100%",
    "multi_choice_within_max": "meerkeuze: som hoogstens 100% × aantal keuzes",
    "matrix_row_sums_to_100": "matrixrij telt op tot 100%",
    "subtotal_equals_parts": "subtotaal is de som van zijn delen",
    "pct_in_range": "waarde binnen het bereik van de schaal",
    "computed_matches_published": "berekend aandeel komt overeen met het gepubliceerde",
}

SCRIPT_ERRORS = (
    "<script>window.onerror=function(){var d=document.body.dataset;"
    "d.errors=String((parseInt(d.errors,10)||0)+1);};</script>"
)
SCRIPT_CHARTS = (
    "<script>document.body.dataset.charts="
    "String(document.querySelectorAll('figure.chart[data-question-id]').length);</script>"
)

CSS = """
:root{--ink:#1f2328;--muted:#5b6169;--line:#d8dce0;--bg:#f6f7f8;--warn:#A33A00;--warnbg:#fff4e5;
--bad:#b3261e;--badbg:#fdecea;--ok:#1e6b3a;--okbg:#e9f5ee}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:14px/1.45 "Liberation Sans",Arial,Helvetica,sans-serif}
main{max-width:1300px;margin:0 auto;padding:24px 20px 60px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:20px;margin:32px 0 12px}
h3{font-size:16px;margin:0 0 4px}
a{color:#1a5fb4}
code{font:12px/1.3 "Liberation Mono","DejaVu Sans Mono",monospace;background:#eef0f2;padding:1px 4px;border-radius:3px}
.lead{color:var(--muted);margin:0 0 16px}
.panel{background:#fff;border:1px solid var(--line);border-radius:6px;padding:16px 18px;margin:0 0 16px}
.overview{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);gap:16px}
.overview .panel{margin:0}
.status{padding:10px 14px;border-radius:6px;margin:0 0 16px;font-weight:600}
.status.ok{background:var(--okbg);color:var(--ok)}
.status.ack{background:var(--warnbg);color:var(--warn)}
.status.bad{background:var(--badbg);color:var(--bad)}
table{border-collapse:collapse;width:100%;font-size:13px}
table.rules{font-size:12.5px}
table.rules th[scope=row]{width:44%}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tfoot td{font-weight:700;border-bottom:none}
caption{text-align:left;font-weight:600;padding:0 0 4px}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin:0;padding:0;list-style:none;font-size:13px}
.legend li{display:flex;align-items:center;gap:6px}
.legend svg{flex:none}
.legend .ed{white-space:nowrap;font-weight:600}
.legend.editions{display:grid;grid-template-columns:repeat(2,minmax(0,1fr))}
.rule-label{font-weight:400;color:var(--muted);font-size:12px}
table.findings-table{table-layout:fixed}
table.findings-table code{font-size:11px;padding:0 2px}
.toc{columns:3 300px;column-gap:24px}
.toc section{break-inside:avoid;margin:0 0 12px}
.toc h3{font-size:14px;margin:0 0 4px}
.toc ol{margin:0;padding-left:20px;font-size:13px}
.badge{display:inline-block;font-size:11px;font-weight:600;border-radius:10px;padding:0 7px;margin-left:4px;white-space:nowrap}
.badge.ack{background:var(--warnbg);color:var(--warn)}
.badge.bad{background:var(--badbg);color:var(--bad)}
h2.topic{border-bottom:2px solid var(--ink);padding-bottom:4px}
h2.topic .num{color:var(--muted);font-weight:400}
.question{display:grid;grid-template-columns:minmax(0,1fr) 430px;gap:16px;background:#fff;
border:1px solid var(--line);border-radius:6px;padding:16px 18px;margin:0 0 16px}
.question.has-findings{border-left:4px solid var(--warn)}
.question.has-open-findings{border-left:4px solid var(--bad)}
figure.chart{margin:0;min-width:0}
figure.chart>figcaption{margin:0 0 10px}
.subtitle{color:var(--muted);font-size:12.5px;margin:0}
.qnote{color:var(--muted);font-size:12.5px;font-style:italic;margin:4px 0 0}
.chart .legend{margin:0 0 8px;font-size:12px}
.items{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px 16px;align-items:start}
.item h4{font-size:12.5px;font-weight:600;margin:0 0 2px}
svg.bars{display:block;max-width:100%;height:auto;overflow:visible}
.chart details{margin-top:8px;font-size:12.5px}
.chart details table{font-size:12px}
.footnote{color:var(--muted);font-size:12px;margin:6px 0 0}
aside.findings{font-size:12.5px;border-left:1px solid var(--line);padding-left:14px;min-width:0}
aside.findings h4{font-size:13px;margin:0 0 4px}
aside.findings table{font-size:12px}
tr.finding td{border-bottom:none;padding-bottom:1px}
tr.finding.ack td:first-child{box-shadow:inset 3px 0 var(--warn)}
tr.finding.open td:first-child{box-shadow:inset 3px 0 var(--bad)}
tr.finding-note td{color:var(--muted);padding-top:0;font-size:11.5px;overflow-wrap:anywhere}
tr.finding-note.ack td{box-shadow:inset 3px 0 var(--warn)}
tr.finding-note.open td{box-shadow:inset 3px 0 var(--bad)}
.yes{color:var(--warn);font-weight:600}
.no{color:var(--bad);font-weight:700}
.none{color:var(--ok)}
footer{color:var(--muted);font-size:12px;margin-top:32px}
@media (max-width:1000px){.question,.overview{grid-template-columns:1fr}
aside.findings{border-left:none;padding-left:0;border-top:1px solid var(--line);padding-top:10px}}
@media print{body{background:#fff}.question{break-inside:avoid}}
"""


@dataclass(frozen=True)
class BuiltReport:
    path: Path
    chart_count: int


def _fmt_bound(value: float | None, fallback: str) -> str:
    return fallback if value is None else fmt_number(value)


def _swatch(colour: str, kind: str = "plain", edition_id: str = "") -> str:
    if kind == "subtotal":
        paint = f'fill="url(#{pattern_id(edition_id)})" stroke="{colour}" stroke-width="1.5"'
    elif kind == "partial":
        paint = f'fill="{colour}" fill-opacity="0.35" stroke="{colour}" stroke-width="1.5" stroke-dasharray="3 2"'
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
        word = "afwijking" if len(failed) == 1 else "afwijkingen"
        state = f"{open_count} niet erkend" if open_count else "erkend"
        return f"⚠ {len(failed)} {word} ({state}), zie validatie →"

    # ------------------------------------------------------------------ charts
    def _groups(self, q: Question, shares: list[Share], scale: Scale, row_by: str, item: str | None) -> list[Group]:
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
        audiences = ", ".join(self.data.audience_label(a) for a in self.data.audience_order({s.audience for s in shares}))
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
            [f"<code>{escape(q.question_id)}</code>", escape(fig), *map(escape, q.source_reports), escape(kind)]
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
            key=lambda s: (audience_rank[s.audience], self._item_sort(q, s.item_label), s.option_order, s.edition_id),
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
        """Failed checks as a table: one row per check, its note in a full-width row below."""
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
            f'<th scope="col" class="num">{h}</th>' if h.startswith(("Waar", "Toeg")) else f'<th scope="col">{h}</th>'
            for h, _ in columns
        )
        body = []
        for c in sorted(checks, key=lambda c: (c.acknowledged, c.rule, c.edition_id or "", c.audience or "")):
            state = "ack" if c.acknowledged else "open"
            ack = '<span class="yes">ja</span>' if c.acknowledged else '<span class="no">nee</span>'
            observed = "—" if c.observed is None else fmt_number(c.observed)
            allowed = f"{_fmt_bound(c.lower_bound, '−∞')}&nbsp;–&nbsp;{_fmt_bound(c.upper_bound, '∞')}"
            rule = escape(c.rule).replace("_", "_<wbr>")
            cells = [
                *([f"<code>{escape(c.question_id or '—').replace('_', '_<wbr>')}</code>"] if with_question else []),
                f'<code title="{escape(RULE_LABELS.get(c.rule, c.rule))}">{rule}</code>',
                escape(c.edition_id or "—"),
                escape(self.data.audience_label(c.audience)),
                f'<td class="num">{observed}</td>',
                f'<td class="num">{allowed}</td>',
                ack,
            ]
            tds = "".join(cell if cell.startswith("<td") else f"<td>{cell}</td>" for cell in cells)
            item = f"<strong>Item:</strong> {escape(c.item_label)}<br>" if c.item_label else ""
            body.append(
                f'<tr class="finding {state}" data-rule="{escape(c.rule)}" '
                f'data-edition="{escape(c.edition_id or "")}" data-audience="{escape(c.audience or "")}" '
                f'data-item="{escape(c.item_label or "")}" data-acknowledged="{str(c.acknowledged).lower()}">'
                f"{tds}</tr>"
                f'<tr class="finding-note {state}"><td colspan="{len(cells)}">{item}'
                f"<strong>{'Erkenning' if c.acknowledged else 'Toelichting'}:</strong> "
                f"{escape(c.note or '—')}</td></tr>"
            )
        return (
            f'<table class="findings-table" data-findings-for="{escape(key)}">'
            "<caption>Gefaalde controles in de laatste validatierun</caption>"
            f"<colgroup>{colgroup}</colgroup>"
            f"<thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table>"
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
            summary += f", {len(failed)} gefaald ({acknowledged} erkend)." if failed else ", geen afwijkingen."
        parts = [
            f'<aside class="findings" aria-labelledby="findings-{escape(q.question_id)}">'
            f'<h4 id="findings-{escape(q.question_id)}">Validatie</h4>',
            f'<p class="{"" if failed else "none"}">{escape(summary)}</p>',
        ]
        if failed:
            parts.append(self.findings_table(failed, q.question_id))
        if stale:
            parts.append(
                '<p class="footnote">'
                + escape(
                    f"{len(stale)} erkenning(en) zonder afwijking (de groep slaagt nu): "
                    + "; ".join(f"{c.rule} {c.edition_id} {self.data.audience_label(c.audience)}" for c in stale)
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
        for rule in self.data.rules():
            rc = [c for c in checks if c.rule == rule]
            failed = [c for c in rc if not c.passed]
            counts = [
                len(rc),
                len(rc) - len(failed),
                len(failed),
                sum(c.acknowledged for c in failed),
                sum(not c.acknowledged for c in failed),
                sum(c.acknowledged and c.passed for c in rc),
            ]
            totals = [a + b for a, b in zip(totals, counts)]
            cells = "".join(f'<td class="num">{n}</td>' for n in counts)
            rows.append(
                f'<tr data-rule="{escape(rule)}"><th scope="row"><code>{escape(rule).replace("_", "_<wbr>")}</code><br>'
                f'<span class="rule-label">{escape(RULE_LABELS.get(rule, ""))}</span></th>{cells}</tr>'
            )
        heads = ["Gecontroleerd", "Geslaagd", "Gefaald", "Erkend", "Open", "Erkend, toch geslaagd"]
        header = '<th scope="col">Regel</th>' + "".join(f'<th scope="col" class="num">{h}</th>' for h in heads)
        foot = "<td>Totaal</td>" + "".join(f'<td class="num">{n}</td>' for n in totals)
        _, _, failed, acknowledged, open_, stale = totals
        if open_:
            status = f'<div class="status bad">{open_} van de {failed} gefaalde groepen zijn niet erkend.</div>'
        elif failed:
            status = (
                f'<div class="status ack">Alle {failed} gefaalde groepen zijn erkend als gedocumenteerde '
                "afwijkingen van de bron.</div>"
            )
        else:
            status = '<div class="status ok">Alle controles geslaagd.</div>'
        when = self.data.checked_at.strftime("%Y-%m-%d %H:%M") if self.data.checked_at else "?"
        return (
            f"{status}<table class=\"rules\"><caption>Controles per regel (run <code>{escape(self.data.run_id or '?')}"
            f"</code>, {escape(when)})</caption><thead><tr>{header}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody><tfoot><tr>{foot}</tr></tfoot></table>"
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
                    badge = f' <span class="badge {kind}">⚠ {len(failed)}</span>'
                items.append(
                    f'<li><a href="#q-{escape(q.question_id)}">{escape(fig)} · {escape(q.question_text)}</a>{badge}</li>'
                )
            sections.append(
                f"<section><h3>{self._topic_heading(topic)}</h3><ol>{''.join(items)}</ol></section>"
            )
        return f'<nav class="toc" aria-label="Inhoud per thema">{"".join(sections)}</nav>'

    @staticmethod
    def _topic_heading(topic) -> str:
        prefix = f'<span class="num">Conclusie {topic.conclusion_number} · </span>' if topic.conclusion_number else ""
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
        html = f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="orchestration.report">
<title>Tendensen in Leren — gepubliceerde cijfers en validatie</title>
<style>{CSS}</style>
</head>
<body data-errors="0">
{SCRIPT_ERRORS}
{defs_svg(self.colours)}
<main>
<header>
<h1>Tendensen in Leren — gepubliceerde cijfers en validatie</h1>
<p class="lead">{chart_count} vragen met gepubliceerde aandelen ({n_shares} cijfers) uit
<code>marts.answer_shares</code>, met de bevindingen van de laatste validatierun
(<code>audit.share_checks</code>) naast elke grafiek. Warehouse: <code>{escape(str(data.warehouse))}</code>;
gegenereerd op {generated}.</p>
</header>
<div class="overview">
<section class="panel" aria-labelledby="validatie"><h2 id="validatie" style="margin-top:0">Validatie</h2>{self.summary()}</section>
<section class="panel" aria-labelledby="legende"><h2 id="legende" style="margin-top:0">Legende</h2>{legend}
<p class="footnote">Balken: aandeel in % van de respondenten (0–100), per doelgroep en per editie;
vragen met een gemiddelde score staan op hun eigen schaal van 0 tot 7. Een editie <code>JJJJ-MM</code>
is een pulsbevraging binnen het jaar.</p></section>
</div>
<section class="panel" aria-labelledby="inhoud" style="margin-top:16px"><h2 id="inhoud" style="margin-top:0">Inhoud</h2>{self.toc()}</section>
{"".join(charts)}
{orphans}
<footer>Gegenereerd door <code>python -m orchestration.report</code> · bron: {escape(", ".join(sorted({r for q in data.questions for r in q.source_reports})))}.</footer>
</main>
{SCRIPT_CHARTS}
</body>
</html>
"""
        return html, chart_count


def render(warehouse: Path) -> tuple[str, int]:
    """The page's HTML and its number of charts."""
    return Renderer(load(warehouse)).page()


def write_report(warehouse: Path, out_dir: Path) -> BuiltReport:
    html, chart_count = render(Path(warehouse))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return BuiltReport(path=path, chart_count=chart_count)


def build_report(warehouse: Path, out_dir: Path) -> Path:
    """Write `out_dir/index.html` from the warehouse and return its path."""
    return write_report(warehouse, out_dir).path
