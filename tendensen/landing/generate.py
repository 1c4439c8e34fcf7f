"""Synthetic SurveyMonkey (or, with `--tool qualtrics`, Qualtrics) exports: a 2021 demo that
reproduces the published shares, and exports of any size for benchmarks.

Why synthetic data: the raw 2021 responses are not available, but the landing path, the
respondent-level models and the "computed vs published" checks need respondent rows to run on.
The demo files are built so that tabulating them gives back the published 2021 figures (within
rounding, wherever the published numbers are consistent), so a pipeline that lands and
tabulates them correctly must reproduce the report. Every file is marked synthetic in its
manifest (`is_synthetic: true`), and all personal data in it is obviously fake: e-mails
`respondent<N>@example.invalid`, IPs from the documentation ranges 192.0.2.0/24 and
198.51.100.0/24 (RFC 5737), names "Synthetic Respondent <N>".

Everything is deterministic: one seeded `random.Random` per file, no global state.

    python -m tendensen.landing.generate demo --out DIR
    python -m tendensen.landing.generate export --edition 2021 --audience business \\
        --respondents 100000 --seed 1 --out DIR
    python -m tendensen.landing.generate demo --tool qualtrics [--split-multi] \\
        [--unfinished-every 20] --out DIR

The same seed draws the same respondents for either tool: landed, a SurveyMonkey and a
Qualtrics export of one seed give the same rows (tendensen/landing/generate_qualtrics.py).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from tendensen.landing.codebook import (
    LANDABLE_TYPES,
    PUBLISHED_DIR,
    Codebook,
    default_codebook,
    read_published_shares,
)
from tendensen.landing.formats.surveymonkey import FIXED_COLUMNS, OPEN_ENDED, RESPONSE
from tendensen.progress import Progress

DEMO_EDITION = "2021"
DEMO_RESPONDENTS = {"business": 173, "aanbieders": 142}  # published respondent counts
FRENCH_SHARE = 0.10  # "Slechts 10% van hen vulde een Franstalige vragenlijst in"
# Prose-only questions whose published shares are complete distributions (after adding the
# unpublished "Andere sector" option for sector), so respondents can answer them.
COMPLETE_PROSE_QUESTIONS = {"business": ("work_country", "sector"), "aanbieders": ("work_country",)}
# Free-text columns of the synthetic export: dropped by landing, present to prove it.
OTHER_SECTOR = ("sector", "andere")  # the option that opens the "please specify" text box
CLOSING_QUESTION = {
    "nl": "Heb je nog opmerkingen of suggesties?",
    "fr": "Avez-vous encore des remarques ou des suggestions ?",
}
GENERATOR = "tendensen.landing.generate"
TOOLS = ("surveymonkey", "qualtrics")


@dataclass(frozen=True)
class Tool:
    """Which survey tool's export to write, and its export options (Qualtrics only:
    `split_multi` = "Split multi-value fields into columns"; an unfinished response after
    every `unfinished_every`-th respondent, 0 = none)."""

    name: str = "surveymonkey"
    split_multi: bool = False
    unfinished_every: int = 0

    def __post_init__(self):
        if self.name not in TOOLS:
            raise ValueError(f"unknown tool {self.name!r} (known: {', '.join(TOOLS)})")
        if self.name == "surveymonkey" and (self.split_multi or self.unfinished_every):
            raise ValueError("split_multi and unfinished_every are Qualtrics export options")


# --------------------------------------------------------------------------- what to ask


@dataclass(frozen=True)
class PlannedQuestion:
    """One question of a synthetic export and the shares its answers should follow."""

    question_id: str
    question_type: str
    max_choices: int | None
    items: tuple[str | None, ...]  # (None,) for non-matrix questions
    options: tuple[str, ...]  # plain options, in codebook order, as columns/labels
    targets: dict[str | None, tuple[float, ...]]  # item -> pct per option (0-100)

    @property
    def is_multi(self) -> bool:
        return self.question_type == "multi_choice"


def _published(edition_id: str, audience: str, codebook: Codebook, directory: Path = PUBLISHED_DIR) -> dict:
    """(question_id, item_id) -> {option_id: pct, ...} and partial flags, for one edition x
    audience; subtotal options are left out (they are computed, never answered)."""
    shares: dict[tuple[str, str | None], dict[str, float]] = {}
    partial: set[str] = set()
    for row in read_published_shares(directory):
        if (row["edition_id"], row["audience"]) != (edition_id, audience):
            continue
        if row["option_id"] in codebook.subtotals.get(row["question_id"], set()):
            continue
        key = (row["question_id"], row["item_id"] or None)
        shares.setdefault(key, {})[row["option_id"]] = float(row["pct"])
        if row["is_partial"] == "true":
            partial.add(row["question_id"])
    return {"shares": shares, "partial": partial}


def audience_questions(
    audience: str, edition_id: str = DEMO_EDITION, codebook: Codebook | None = None
) -> list[str]:
    """The questions of an audience's export: those with published non-partial shares for the
    edition, plus the complete prose questions (work_country; sector for business), in
    questions.csv order."""
    codebook = codebook or default_codebook()
    published = _published(edition_id, audience, codebook)
    figure = {q for q, _ in published["shares"]} - published["partial"]
    wanted = figure | set(COMPLETE_PROSE_QUESTIONS.get(audience, ()))
    return [q for q in codebook.questions if q in wanted]


def plan_questions(
    edition_id: str, audience: str, questions: Sequence[str] | None = None, codebook: Codebook | None = None
) -> list[PlannedQuestion]:
    """Target shares per question: the published shares of this edition x audience, else of
    2021, else uniform. Options that a prose question does not publish share what is left to
    100 (sector: "Andere sector"). Only options with a published share are asked where the
    published distribution is a figure (e.g. figure 19 lists 13 of 16 agenda options)."""
    codebook = codebook or default_codebook()
    questions = list(questions) if questions is not None else audience_questions(audience, codebook=codebook)
    sources = [_published(edition_id, audience, codebook)]
    if edition_id != DEMO_EDITION:
        sources.append(_published(DEMO_EDITION, audience, codebook))
    plans = []
    for question_id in questions:
        question = codebook.questions[question_id]
        if question.question_type not in LANDABLE_TYPES:
            raise ValueError(
                f"{question_id} is a {question.question_type} question: exports carry option labels only"
            )
        items = tuple(codebook.items.get(question_id, [])) if question.is_matrix else (None,)
        all_options = tuple(codebook.options.get(question_id, []))
        source = next((s for s in sources if any((question_id, i) in s["shares"] for i in items)), None)
        if source is None:
            options = all_options
            targets = {
                item: _uniform(question.question_type, question.max_choices, len(options)) for item in items
            }
        else:
            found = {o for i in items for o in source["shares"].get((question_id, i), {})}
            options = (
                all_options
                if question_id in source["partial"]
                else tuple(o for o in all_options if o in found)
            )
            targets = {
                item: _complete(
                    source["shares"].get((question_id, item), {}),
                    options,
                    question.question_type == "multi_choice",
                )
                for item in items
            }
        plans.append(
            PlannedQuestion(
                question_id, question.question_type, question.max_choices, items, options, targets
            )
        )
    return plans


def _uniform(question_type: str, max_choices: int | None, k: int) -> tuple[float, ...]:
    if question_type == "multi_choice":
        return tuple(min(100.0, 100.0 * (max_choices or 1) / k) for _ in range(k))
    return tuple(100.0 / k for _ in range(k))


def _complete(shares: dict[str, float], options: tuple[str, ...], multi: bool) -> tuple[float, ...]:
    """Published shares in option order; unpublished options share the rest of 100."""
    missing = [o for o in options if o not in shares]
    rest = 0.0 if multi or not missing else max(0.0, 100.0 - sum(shares.values())) / len(missing)
    return tuple(shares.get(o, rest) for o in options)


# --------------------------------------------------------------------------- exact counts


def largest_remainders(pcts: Sequence[float], n: int, total: int) -> list[int]:
    """Counts c_i (0 <= c_i <= n) adding to `total`, as close as possible to p_i * n / 100.

    Hamilton's method on unnormalised quotas: floors first, then the missing units go to the
    largest remainders (or, when the floors already exceed `total`, units are taken back from
    the smallest remainders). This minimises the squared distance to the quotas, so a
    published column adding to 106 is matched by moving every option about equally.
    Ties go to the earlier option, so the result is deterministic.
    """
    quotas = [p * n / 100.0 for p in pcts]
    counts = [min(n, max(0, math.floor(q))) for q in quotas]
    order = range(len(counts))
    while sum(counts) < total:
        i = max((i for i in order if counts[i] < n), key=lambda i: (quotas[i] - counts[i], -i))
        counts[i] += 1
    while sum(counts) > total:
        i = max((i for i in order if counts[i] > 0), key=lambda i: (counts[i] - quotas[i], -i))
        counts[i] -= 1
    return counts


def multi_choice_counts(pcts: Sequence[float], n: int, max_choices: int) -> list[int]:
    """Tick counts per option: each quota rounded, the total capped at max_choices * n (where
    the published sum exceeds 100 * max_choices it cannot be matched; this gets as close as
    possible without any respondent ticking more than allowed)."""
    total = min(max_choices * n, sum(math.floor(p * n / 100.0 + 0.5) for p in pcts))
    return largest_remainders(pcts, n, total)


def assign_ticks(counts: Sequence[int], n: int, rng: random.Random) -> list[list[int]]:
    """Spread tick counts over n respondents: at most ceil(sum/n) ticks each, never the same
    option twice. Option i fills the next counts[i] slots of a round-robin over respondents;
    since counts[i] <= n those slots are distinct respondents. Respondents are then shuffled."""
    ticks: list[list[int]] = [[] for _ in range(n)]
    slot = 0
    for option, count in enumerate(counts):
        for _ in range(count):
            ticks[slot % n].append(option)
            slot += 1
    rng.shuffle(ticks)
    return ticks


def exact_answers(plan: Sequence[PlannedQuestion], n: int, rng: random.Random) -> list[dict]:
    """Per respondent {question_id: option index | [option indexes] | {item: option index}}
    whose tabulation reproduces the plan's targets with largest-remainder counts."""
    answers: list[dict] = [{} for _ in range(n)]
    for question in plan:
        if question.is_multi:
            counts = multi_choice_counts(question.targets[None], n, question.max_choices or 1)
            for respondent, ticked in zip(answers, assign_ticks(counts, n, rng), strict=True):
                respondent[question.question_id] = sorted(ticked)
            continue
        per_item = {}
        for item in question.items:
            counts = largest_remainders(question.targets[item], n, n)
            column = [option for option, count in enumerate(counts) for _ in range(count)]
            rng.shuffle(column)
            per_item[item] = column
        for index, respondent in enumerate(answers):
            if question.items == (None,):
                respondent[question.question_id] = per_item[None][index]
            else:
                respondent[question.question_id] = {item: per_item[item][index] for item in question.items}
    return answers


class _Permutation:
    """A bijection of range(n) in O(1) memory: j -> (offset + stride * j) mod n, the stride
    coprime to n. It spreads a column's exact counts over a stream of respondents as a
    shuffle would, without holding the n answers (1M respondents x 50 columns)."""

    def __init__(self, n: int, rng: random.Random):
        self.n = max(n, 1)
        self.offset = rng.randrange(self.n)
        stride = rng.randrange(1, self.n) if self.n > 1 else 1
        while math.gcd(stride, self.n) != 1:
            stride += 1
        self.stride = stride

    def __call__(self, j: int) -> int:
        return (self.offset + self.stride * j) % self.n


def exact_stream(
    plan: Sequence[PlannedQuestion], n: int, rng: random.Random, skip_share: float
) -> Iterator[dict]:
    """n respondents, streamed, whose tabulation reproduces the plan's targets exactly as
    `exact_answers` does (largest-remainder counts among those who answered), at any size.

    Per question, round(skip_share * n) respondents skip it (chosen by a permutation, so the
    base is the rest, m); a single-choice column or matrix row gives its options
    largest-remainder counts of m, spread by a second permutation; a multi-choice question's
    tick counts fill round-robin slots over the m respondents as `assign_ticks` does (option i
    takes slots start_i .. start_i + count_i - 1, mod m), so no one ticks an option twice."""
    prepared = []
    for question in plan:
        m = n - round(skip_share * n)
        order = _Permutation(n, rng)
        if question.is_multi:
            counts = multi_choice_counts(question.targets[None], m, question.max_choices or 1)
            starts = [sum(counts[:i]) for i in range(len(counts))]
            prepared.append((question, m, order, (counts, starts)))
        else:
            per_item = {}
            for item in question.items:
                counts = largest_remainders(question.targets[item], m, m)
                per_item[item] = (_Permutation(m, rng), [sum(counts[: i + 1]) for i in range(len(counts))])
            prepared.append((question, m, order, per_item))
    for j in range(n):
        respondent: dict = {}
        for question, m, order, spread in prepared:
            position = order(j)
            if position >= m:
                continue  # skipped
            if question.is_multi:
                counts, starts = spread
                ticked = [
                    i
                    for i, (count, start) in enumerate(zip(counts, starts, strict=True))
                    if (position - start) % m < count
                ]
                if ticked:
                    respondent[question.question_id] = ticked
                continue
            chosen = {
                item: bisect.bisect_right(cumulative, permutation(position))
                for item, (permutation, cumulative) in spread.items()
            }
            respondent[question.question_id] = chosen[None] if question.items == (None,) else chosen
        yield respondent


# --------------------------------------------------------------------------- random draws


def systematic_sample(probabilities: Sequence[float], rng: random.Random) -> list[int]:
    """Options drawn with inclusion probability exactly probabilities[i] (sum <= max ticks),
    never more than ceil(sum) of them: systematic sampling over a shuffled option order."""
    order = list(range(len(probabilities)))
    rng.shuffle(order)
    point, cumulative, chosen = rng.random(), 0.0, []
    for option in order:
        cumulative += probabilities[option]
        while point < cumulative:
            chosen.append(option)
            point += 1.0
    return sorted(set(chosen))


def random_answers(plan: Sequence[PlannedQuestion], rng: random.Random, skip_share: float) -> Iterator[dict]:
    """An endless stream of respondents drawn independently from the plan's targets."""
    prepared = []
    for question in plan:
        if question.is_multi:
            pcts = question.targets[None]
            scale = min(1.0, (question.max_choices or 1) * 100.0 / max(sum(pcts), 1e-9))
            prepared.append((question, [min(1.0, p / 100.0 * scale) for p in pcts]))
        else:
            prepared.append(
                (question, {item: _cumulative(question.targets[item]) for item in question.items})
            )
    while True:
        respondent: dict = {}
        for question, weights in prepared:
            if skip_share and rng.random() < skip_share:
                continue
            if question.is_multi:
                ticked = systematic_sample(weights, rng)
                if ticked:
                    respondent[question.question_id] = ticked
            elif question.items == (None,):
                respondent[question.question_id] = _draw(weights[None], rng)
            else:
                respondent[question.question_id] = {
                    item: _draw(weights[item], rng) for item in question.items
                }
        yield respondent


def _cumulative(pcts: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for p in pcts:
        total += max(p, 0.0)
        out.append(total)
    return out if total > 0 else [float(i + 1) for i in range(len(pcts))]


def _draw(cumulative: list[float], rng: random.Random) -> int:
    point = rng.random() * cumulative[-1]
    for index, edge in enumerate(cumulative):
        if point < edge:
            return index
    return len(cumulative) - 1


# --------------------------------------------------------------------------- the file


class _Sheet:
    """Header rows and a row builder for one plan, in SurveyMonkey's expanded layout (a
    Qualtrics sheet has the same methods: generate_qualtrics.QualtricsSheet)."""

    def __init__(self, plan: Sequence[PlannedQuestion], codebook: Codebook, header_language: str):
        self.plan = plan
        self.collector = 0  # the Collector ID column: set by write_export
        self.row1: list[str] = list(FIXED_COLUMNS)
        self.row2: list[str] = [""] * len(FIXED_COLUMNS)
        self.labels: dict[tuple[str, str], list[str]] = {}  # (question_id, language) -> option labels
        self.other_text = False
        for question in plan:
            qid = question.question_id
            text = codebook.label("question", qid, qid, header_language)
            for language in ("nl", "fr"):
                self.labels[(qid, language)] = [
                    codebook.label("option", qid, o, language) for o in question.options
                ]
            if question.is_multi:
                heads = [codebook.label("option", qid, o, header_language) for o in question.options]
            elif question.items != (None,):
                heads = [codebook.label("item", qid, i, header_language) for i in question.items]
            else:
                heads = [RESPONSE]
            self.row1 += [text] + [""] * (len(heads) - 1)
            self.row2 += heads
            if qid == OTHER_SECTOR[0] and OTHER_SECTOR[1] in question.options:
                self.row1.append("")  # the "please specify" box continues the question
                self.row2.append(OPEN_ENDED)
                self.other_text = True
        self.row1.append(CLOSING_QUESTION[header_language])
        self.row2.append(OPEN_ENDED)

    @property
    def header(self) -> list[list[str]]:
        return [self.row1, self.row2]

    def cells(
        self,
        answers: dict,
        language: str,
        number: int,
        respondent_id: int,
        start: datetime,
        rng: random.Random,
    ) -> list[str]:
        return _pii(number, respondent_id, self.collector, start) + self.answer_cells(
            answers, language, number, rng
        )

    def extra_rows(self, number: int, respondent_id: int, start: datetime) -> list[list[str]]:
        return []  # SurveyMonkey exports only completed responses here

    def answer_cells(self, answers: dict, language: str, number: int, rng: random.Random) -> list[str]:
        return sheet_answer_cells(self, answers, language, number, rng)


def sheet_answer_cells(
    sheet, answers: dict, language: str, number: int, rng: random.Random, split_multi: bool = True
) -> list[str]:
    """One respondent's answer cells in the order of `sheet.plan` (a SurveyMonkey `_Sheet` or a
    `QualtricsSheet`: their `plan`, `labels` and `other_text`), then the free-text comment. A
    multi-choice question is a column per option, or, without `split_multi`, one cell of its
    chosen labels joined by commas (Qualtrics' default export)."""
    cells: list[str] = []
    for question in sheet.plan:
        labels = sheet.labels[(question.question_id, language)]
        answer = answers.get(question.question_id)
        if question.is_multi and split_multi:
            row = [""] * len(question.options)
            for option in answer or ():
                row[option] = labels[option]
            cells += row
        elif question.is_multi:
            cells.append(",".join(labels[option] for option in sorted(answer or ())))
        elif question.items == (None,):
            cells.append("" if answer is None else labels[answer])
        else:
            cells += ["" if answer is None else labels[answer[item]] for item in question.items]
        if sheet.other_text and question.question_id == OTHER_SECTOR[0]:
            chosen = answer is not None and question.options[answer] == OTHER_SECTOR[1]
            cells.append(f"Synthetische sector {number}" if chosen else "")
    cells.append(free_text(number, language, rng))
    return cells


def free_text(number: int, language: str, rng: random.Random) -> str:
    """Synthetic comments, with the commas, quotes, line breaks and leading '=' that real
    free text has, so that landing proves it drops them."""
    pick = rng.random()
    if pick < 0.7:
        return ""
    if pick < 0.8:
        return f"=SUM({number};1) synthetische tekst"
    word = "Synthetische opmerking" if language == "nl" else "Remarque synthétique"
    return f'{word} {number}, met "aanhalingstekens"\nen een tweede regel.'


def _pii(number: int, respondent_id: int, collector: int, start: datetime) -> list[str]:
    """Obviously fake personal data for the fixed columns (RFC 2606/5737 reserved values)."""
    end = start + timedelta(minutes=7 + number % 23, seconds=number % 60)
    network = "192.0.2" if number % 2 else "198.51.100"
    fmt = "%m/%d/%Y %I:%M:%S %p"
    return [
        str(respondent_id),
        str(collector),
        start.strftime(fmt),
        end.strftime(fmt),
        f"{network}.{1 + number % 254}",
        f"respondent{number}@example.invalid",
        "Synthetic",
        f"Respondent {number}",
        f"synthetic-custom-{number}",
    ]


def _fieldwork_start(edition_id: str) -> datetime:
    """June for yearly editions (the 2021 fieldwork month), the pulse month otherwise."""
    year, _, month = edition_id.partition("-")
    return datetime(int(year), int(month or 6), 1, 8, 0, 0)


def write_export(
    path: Path,
    edition_id: str,
    audience: str,
    plan: Sequence[PlannedQuestion],
    respondents: Iterator[tuple[dict, str]],
    n_respondents: int,
    seed: int,
    codebook: Codebook,
    header_language: str = "nl",
    progress: Progress | None = None,
    tool: Tool = Tool(),
) -> Path:
    """Stream an export to `path` (one row at a time) and write its sidecar manifest;
    `progress` is told the rows written (the command line shows them: a 1M export takes a minute)."""
    rng = random.Random(f"{seed}/pii")
    sheet = _sheet(tool, plan, codebook, header_language, seed)
    sheet.collector = 400_000_000 + rng.randrange(100_000_000)
    respondent_id = 12_000_000_000 + rng.randrange(1_000_000_000)
    moment = _fieldwork_start(edition_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerows(sheet.header)
        for number in range(1, n_respondents + 1):
            answers, language = next(respondents)
            respondent_id += 1 + rng.randrange(97)
            moment += timedelta(seconds=1 + rng.randrange(600))
            writer.writerow(sheet.cells(answers, language, number, respondent_id, moment, rng))
            writer.writerows(sheet.extra_rows(number, respondent_id, moment))
            if progress is not None:
                progress.update(number)
    if progress is not None:
        progress.finish(n_respondents)
    manifest = {
        "edition_id": edition_id,
        "audience": audience,
        "is_synthetic": True,
        "generator": GENERATOR,
        "seed": seed,
        "respondents": n_respondents,
    }
    path.with_name(path.name + ".manifest.json").write_text(
        json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
    )
    return path


def _sheet(tool: Tool, plan, codebook: Codebook, header_language: str, seed: int):
    if tool.name == "qualtrics":
        from tendensen.landing.generate_qualtrics import QualtricsSheet  # imports this module

        return QualtricsSheet(plan, codebook, header_language, tool.split_multi, tool.unfinished_every, seed)
    return _Sheet(plan, codebook, header_language)


def generate_export(
    path: Path,
    edition_id: str,
    audience: str,
    n_respondents: int,
    seed: int,
    questions: Sequence[str] | None = None,
    *,
    french_share: float = FRENCH_SHARE,
    skip_share: float = 0.02,
    header_language: str = "nl",
    codebook: Codebook | None = None,
    progress: Progress | None = None,
    exact: bool = False,
    tool: Tool = Tool(),
) -> Path:
    """A synthetic export of any size, streamed to disk: every respondent drawn independently
    from the target shares (so large files approach them), or with `exact` the targets'
    largest-remainder counts at every size (`exact_stream`: the bench's exports, so that even
    500 respondents match the published marginals). A few answers are skipped (`skip_share`)
    as in real surveys."""
    codebook = codebook or default_codebook()
    plan = plan_questions(edition_id, audience, questions, codebook)
    rng = random.Random(seed)
    draws = (
        exact_stream(plan, n_respondents, rng, skip_share) if exact else random_answers(plan, rng, skip_share)
    )
    stream = ((answers, "fr" if rng.random() < french_share else "nl") for answers in draws)
    return write_export(
        Path(path),
        edition_id,
        audience,
        plan,
        stream,
        n_respondents,
        seed,
        codebook,
        header_language,
        progress,
        tool,
    )


def generate_demo_export(
    path: Path,
    audience: str,
    n_respondents: int,
    seed: int,
    codebook: Codebook | None = None,
    tool: Tool = Tool(),
) -> Path:
    """The 2021 export of one audience with exact largest-remainder counts per option."""
    codebook = codebook or default_codebook()
    plan = plan_questions(DEMO_EDITION, audience, None, codebook)
    rng = random.Random(f"{seed}/{audience}")
    answers = exact_answers(plan, n_respondents, rng)
    french = set(rng.sample(range(n_respondents), round(FRENCH_SHARE * n_respondents)))
    stream = iter([(a, "fr" if i in french else "nl") for i, a in enumerate(answers)])
    return write_export(
        Path(path), DEMO_EDITION, audience, plan, stream, n_respondents, seed, codebook, tool=tool
    )


def generate_2021_demo(out_dir: Path, seed: int = 2021, tool: Tool = Tool()) -> list[Path]:
    """2021_business_synthetic.csv (173 respondents) and 2021_aanbieders_synthetic.csv (142)."""
    out_dir = Path(out_dir)
    return [
        generate_demo_export(
            out_dir / f"{DEMO_EDITION}_{audience}_synthetic.csv", audience, n, seed, tool=tool
        )
        for audience, n in DEMO_RESPONDENTS.items()
    ]


def _tool_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tool", choices=TOOLS, default="surveymonkey", help="whose export format")
    parser.add_argument(
        "--split-multi",
        action="store_true",
        help='Qualtrics: "Split multi-value fields into columns" (one column per choice)',
    )
    parser.add_argument(
        "--unfinished-every",
        type=int,
        default=0,
        metavar="K",
        help="Qualtrics: an unfinished response (Finished = False) after every K-th respondent",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tendensen.landing.generate", description=__doc__.split("\n\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="the two 2021 demo exports")
    demo.add_argument("--out", type=Path, required=True)
    demo.add_argument("--seed", type=int, default=2021)
    _tool_arguments(demo)
    export = commands.add_parser("export", help="one export of any size (benchmarks)")
    export.add_argument("--edition", required=True)
    export.add_argument("--audience", required=True)
    export.add_argument("--respondents", type=int, required=True)
    export.add_argument("--seed", type=int, default=1)
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--french-share", type=float, default=FRENCH_SHARE)
    export.add_argument("--skip-share", type=float, default=0.02)
    export.add_argument(
        "--exact",
        action="store_true",
        help="exact largest-remainder counts of the published shares (not random draws)",
    )
    _tool_arguments(export)
    args = parser.parse_args(argv)
    try:
        tool = Tool(args.tool, args.split_multi, args.unfinished_every)
    except ValueError as error:
        parser.error(str(error))
    if args.command == "demo":
        paths = generate_2021_demo(args.out, args.seed, tool)
    else:
        name = f"{args.edition}_{args.audience}_synthetic_n{args.respondents}_seed{args.seed}.csv"
        paths = [
            generate_export(
                args.out / name,
                args.edition,
                args.audience,
                args.respondents,
                args.seed,
                french_share=args.french_share,
                skip_share=args.skip_share,
                exact=args.exact,
                tool=tool,
                progress=Progress(f"generating {name}", args.respondents, unit="respondents"),
            )
        ]
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
