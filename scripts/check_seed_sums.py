#!/usr/bin/env python3
"""Consistency check and sum report for the transcribed survey seeds (stdlib only).

Checks (any failure -> exit code 1):
  * every edition_id / audience / source_document_id used in published_shares
    and respondent_counts exists in the codebook;
  * every question_id in published_shares exists in questions.csv, every
    (question_id, option_id) in options.csv and every non-empty
    (question_id, item_id) in items.csv; matrix / mean_score questions carry an
    item_id, other questions do not;
  * codebook integrity: topics of questions exist, options/items belong to known
    questions, subtotal_option_id points at a subtotal option of the same question,
    unique keys in every codebook table;
  * no duplicate grain (edition_id, audience, question_id, item_id, option_id);
  * every published row says where it was printed (source_locator; "Figuur N" exactly
    when source_figure = N) and is_partial is true/false, one value per distribution;
  * acknowledged anomalies name known codes and carry a date (YYYY-MM-DD) and a reason.

Report (informational only, published numbers are never corrected):
  * per (edition, audience, question, item): number of plain options and the sum of
    plain options (subtotal rows excluded), flagged with the question type;
  * per published subtotal: the subtotal vs the sum of its published parts.

Usage: python scripts/check_seed_sums.py [path/to/seeds]
"""

import csv
import os
import re
import sys
from collections import OrderedDict, defaultdict
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, os.pardir, "seeds")

# Question types whose shares are given per item (a matrix row, a mean-score item): they carry an
# item_id, the others must not. Not the landing's MATRIX_TYPES (tendensen/landing/codebook.py:
# the matrices whose export answers are option labels): mean scores have items but no options.
ITEMISED_TYPES = {"agreement_matrix", "scale_matrix", "mean_score"}


def read(rel):
    with open(os.path.join(SEEDS, rel), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fmt(x):
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


errors = []

FIGURE_LOCATOR = re.compile(r"Figuur (\d+)")


def source_locator_problem(source_figure, source_locator):
    """Why a row's locator cannot be traced, or None. Where a number was published
    (source_locator) is independent of whether its distribution is complete (is_partial);
    source_figure repeats the figure number exactly when the locator is a figure."""
    locator = (source_locator or "").strip()
    if not locator:
        return (
            "source_locator is empty: say where the number is printed "
            "('Figuur 7', 'Tabel 2', 'p. 14', 'tekst: conclusie 2', 'persbericht')"
        )
    figure = FIGURE_LOCATOR.fullmatch(locator)
    if source_figure and not figure:
        return f"source_figure={source_figure!r} but source_locator={locator!r} (expected 'Figuur {source_figure}')"
    if figure and figure.group(1) != source_figure:
        return (
            f"source_locator={locator!r} but source_figure={source_figure!r} (expected {figure.group(1)!r})"
        )
    return None


def err(msg):
    errors.append(msg)


def unique(rows, keys, name):
    seen = set()
    for r in rows:
        k = tuple(r[c] for c in keys)
        if k in seen:
            err(f"{name}: duplicate key {k}")
        seen.add(k)
    return seen


sources = read("codebook/source_documents.csv")
editions = read("codebook/editions.csv")
audiences = read("codebook/audiences.csv")
topics = read("codebook/topics.csv")
questions = read("codebook/questions.csv")
items = read("codebook/items.csv")
options = read("codebook/options.csv")
shares = read("published/published_shares.csv")
counts = read("published/respondent_counts.csv")
anomalies = read("audit/acknowledged_anomalies.csv")

source_ids = {k[0] for k in unique(sources, ["source_document_id"], "source_documents")}
edition_ids = {k[0] for k in unique(editions, ["edition_id"], "editions")}
audience_ids = {k[0] for k in unique(audiences, ["audience"], "audiences")}
topic_ids = {k[0] for k in unique(topics, ["topic_id"], "topics")}
unique(questions, ["question_id"], "questions")
qtype = {q["question_id"]: q["question_type"] for q in questions}
item_keys = unique(items, ["question_id", "item_id"], "items")
option_keys = unique(options, ["question_id", "option_id"], "options")

for q in questions:
    if q["topic_id"] not in topic_ids:
        err(f"questions: {q['question_id']} has unknown topic_id {q['topic_id']!r}")
    if q["question_type"] == "multi_choice" and not q["max_choices"]:
        err(f"questions: multi_choice {q['question_id']} without max_choices")
    if q["question_type"] != "multi_choice" and q["max_choices"]:
        err(f"questions: {q['question_id']} has max_choices but is {q['question_type']}")
for r in items:
    if r["question_id"] not in qtype:
        err(f"items: unknown question {r['question_id']}")
    elif qtype[r["question_id"]] not in ITEMISED_TYPES:
        err(f"items: question {r['question_id']} is {qtype[r['question_id']]}, not a matrix/mean_score")

opt = {}
for r in options:
    if r["question_id"] not in qtype:
        err(f"options: unknown question {r['question_id']}")
    if r["is_subtotal"] not in ("true", "false"):
        err(f"options: is_subtotal must be true/false, got {r['is_subtotal']!r}")
    opt[(r["question_id"], r["option_id"])] = r
for r in options:
    sub = r["subtotal_option_id"]
    if sub:
        target = opt.get((r["question_id"], sub))
        if target is None or target["is_subtotal"] != "true":
            err(f"options: {r['question_id']}.{r['option_id']} points at non-subtotal {sub!r}")
        if r["is_subtotal"] == "true":
            err(f"options: subtotal {r['question_id']}.{r['option_id']} is itself part of a subtotal")

for r in counts:
    if r["edition_id"] not in edition_ids:
        err(f"respondent_counts: unknown edition {r['edition_id']}")
    if r["audience"] not in audience_ids:
        err(f"respondent_counts: unknown audience {r['audience']}")
    if r["source_document_id"] not in source_ids:
        err(f"respondent_counts: unknown source {r['source_document_id']}")

grain_seen = set()
for i, r in enumerate(shares, start=2):
    where = f"published_shares line {i}"
    q = r["question_id"]
    if r["edition_id"] not in edition_ids:
        err(f"{where}: unknown edition {r['edition_id']!r}")
    if r["audience"] not in audience_ids:
        err(f"{where}: unknown audience {r['audience']!r}")
    if r["source_document_id"] not in source_ids:
        err(f"{where}: unknown source {r['source_document_id']!r}")
    if q not in qtype:
        err(f"{where}: unknown question {q!r}")
        continue
    if (q, r["option_id"]) not in option_keys:
        err(f"{where}: option ({q}, {r['option_id']}) not in options.csv")
    if r["item_id"]:
        if (q, r["item_id"]) not in item_keys:
            err(f"{where}: item ({q}, {r['item_id']}) not in items.csv")
    elif qtype[q] in ITEMISED_TYPES:
        err(f"{where}: {qtype[q]} question {q} without item_id")
    if r["item_id"] and qtype[q] not in ITEMISED_TYPES:
        err(f"{where}: item_id on non-matrix question {q}")
    if r["is_partial"] not in ("true", "false"):
        err(f"{where}: is_partial must be true/false, got {r['is_partial']!r}")
    locator_problem = source_locator_problem(r["source_figure"], r.get("source_locator"))
    if locator_problem:
        err(f"{where}: {locator_problem}")
    try:
        float(r["pct"])
    except ValueError:
        err(f"{where}: pct not numeric: {r['pct']!r}")
        continue
    grain = (r["edition_id"], r["audience"], q, r["item_id"], r["option_id"])
    if grain in grain_seen:
        err(f"{where}: duplicate grain {grain}")
    grain_seen.add(grain)

# is_partial describes a whole distribution: one value per group and place of publication.
completeness = defaultdict(set)
for r in shares:
    completeness[
        (
            r["edition_id"],
            r["audience"],
            r["question_id"],
            r["item_id"],
            r["source_document_id"],
            r.get("source_locator", ""),
        )
    ].add(r["is_partial"])
for (ed, aud, q, item, doc, locator), values in completeness.items():
    if len(values) > 1:
        err(
            f"published_shares: edition {ed}, audience {aud}, question {q}"
            f"{', item ' + item if item else ''} ({doc}, {locator}) mixes is_partial=true and "
            f"false: a distribution is either complete or partial"
        )

for i, r in enumerate(anomalies, start=2):
    where = f"acknowledged_anomalies line {i}"
    if r["edition_id"] not in edition_ids:
        err(f"{where}: unknown edition {r['edition_id']!r}")
    if r["audience"] not in audience_ids:
        err(f"{where}: unknown audience {r['audience']!r}")
    if r["question_id"] not in qtype:
        err(f"{where}: unknown question {r['question_id']!r}")
    try:
        date.fromisoformat(r["acknowledged_on"])
    except ValueError:
        err(f"{where}: acknowledged_on must be a date YYYY-MM-DD, got {r['acknowledged_on']!r}")
    if not r["reason"].strip():
        err(f"{where}: reason is empty: say why the report really prints it so")

# ---------------------------------------------------------------- sums report
groups = OrderedDict()
for r in shares:
    key = (r["edition_id"], r["audience"], r["question_id"], r["item_id"])
    groups.setdefault(key, []).append(r)

print(f"seeds: {os.path.normpath(SEEDS)}")
print(
    f"published_shares rows: {len(shares)}  (complete distributions: "
    f"{sum(r['is_partial'] == 'false' for r in shares)}, partial: "
    f"{sum(r['is_partial'] == 'true' for r in shares)}; from a figure: "
    f"{sum(bool(r['source_figure']) for r in shares)}, elsewhere: "
    f"{sum(not r['source_figure'] for r in shares)})"
)
print(f"groups (edition, audience, question, item): {len(groups)}")
print()
print("== plain options per group (subtotals excluded) ==")
print(
    f"{'edition':8} {'audience':10} {'question':34} {'item':28} {'type':16} {'where':>10} {'n':>3} {'sum':>7}  partial"
)
for (ed, aud, q, item), rows in groups.items():
    plain = [r for r in rows if opt.get((q, r["option_id"]), {}).get("is_subtotal") != "true"]
    s = sum(float(r["pct"]) for r in plain)
    where = sorted({r.get("source_locator") or "?" for r in rows})
    partial = "yes" if any(r["is_partial"] == "true" for r in rows) else "no"
    qt = qtype.get(q, "?")
    if qt == "multi_choice":
        qt = "multi_choice(3)"
    print(
        f"{ed:8} {aud:10} {q:34} {item or '-':28} {qt:16} {'; '.join(where):>10} "
        f"{len(plain):>3} {fmt(s):>7}  {partial}"
    )

print()
print("== subtotals vs sum of their parts ==")
any_sub = False
for (ed, aud, q, _item), rows in groups.items():
    by_opt = {r["option_id"]: float(r["pct"]) for r in rows}
    parts = defaultdict(list)
    for (oq, oid), o in opt.items():
        if oq == q and o["subtotal_option_id"]:
            parts[o["subtotal_option_id"]].append(oid)
    for sub_id, part_ids in parts.items():
        if sub_id not in by_opt:
            continue
        any_sub = True
        present = [p for p in part_ids if p in by_opt]
        psum = sum(by_opt[p] for p in present)
        status = "OK" if abs(psum - by_opt[sub_id]) < 1e-9 else f"DIFF {fmt(by_opt[sub_id] - psum)}"
        parts_txt = " + ".join(f"{p}={fmt(by_opt[p])}" for p in present)
        missing = [p for p in part_ids if p not in by_opt]
        miss_txt = f" (missing parts: {', '.join(missing)})" if missing else ""
        print(
            f"{ed:8} {aud:10} {q:26} {sub_id:32} published {fmt(by_opt[sub_id]):>4} | "
            f"parts {fmt(psum):>4} [{parts_txt}]{miss_txt}  {status}"
        )
if not any_sub:
    print("(none)")

print()
print(f"acknowledged_anomalies rows: {len(anomalies)}")
if errors:
    print()
    print(f"== {len(errors)} ERROR(S) ==")
    for e in errors:
        print("ERROR:", e)
    sys.exit(1)
print(
    "referential checks: OK (all editions, audiences, sources, questions, items, options known; no duplicate grain)"
)
