"""The codebook seeds as lookup structures for landing and generating exports.

The Dutch labels in seeds/codebook (questions.csv, items.csv, options.csv) are the source of
truth; seeds/codebook/label_variants.csv only adds alternatives (French translations, wording
variants of other editions). Everything is read with the standard csv module so landing does
not depend on dbt having run.

Labels are matched after `normalise_label`, which forgives what exports really vary in
(whitespace, case, typographic quotes, trailing punctuation such as "?" or "…") and nothing
else: a different wording needs its own row in label_variants.csv.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tendensen.settings import REPO_ROOT

CODEBOOK_DIR = REPO_ROOT / "seeds" / "codebook"
PUBLISHED_DIR = REPO_ROOT / "seeds" / "published"

LANGUAGES = ("nl", "fr")
# Question types whose answers are option labels in the export; others cannot be landed.
LANDABLE_TYPES = ("single_choice", "multi_choice", "agreement_matrix", "scale_matrix")
# Matrix questions: one export column per item, answered with option labels. Mean-score questions
# also have items (scripts/check_seed_sums.py: ITEMISED_TYPES) but are not landable.
MATRIX_TYPES = ("agreement_matrix", "scale_matrix")
# Audience codes that are aggregates, never a group of respondents that fills in a survey.
AGGREGATE_AUDIENCES = frozenset({"alle"})

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"'})
_WHITESPACE = re.compile(r"\s+")
_TRAILING = " .,;:!?…"


class CodebookError(ValueError):
    """The codebook seeds contradict themselves (a programming/data error, not bad input)."""


def normalise_label(text: str) -> str:
    """Comparable form of a label: NFC, ASCII quotes, single spaces, casefolded, no trailing
    punctuation. Used on both sides of every comparison so that "Dans quel secteur
    travaillez-vous ?" and "dans quel secteur travaillez-vous" match."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    text = _WHITESPACE.sub(" ", text).strip().casefold()
    return text.rstrip(_TRAILING)


@dataclass(frozen=True)
class Question:
    question_id: str
    question_type: str
    max_choices: int | None
    text: str  # Dutch, as in questions.csv

    @property
    def is_matrix(self) -> bool:
        return self.question_type in MATRIX_TYPES


@dataclass(frozen=True)
class Choice:
    """What a label resolves to, and in which languages that exact label exists."""

    id: str
    languages: frozenset[str]


@dataclass
class Codebook:
    """Lookups by (question_id, normalised label); plain options only (never subtotals)."""

    questions: dict[str, Question]
    items: dict[str, list[str]]  # question_id -> item_ids in item_order
    options: dict[str, list[str]]  # question_id -> plain option_ids in option_order
    subtotals: dict[str, set[str]]  # question_id -> subtotal option_ids
    audiences: frozenset[str]
    question_by_label: dict[str, Choice] = field(default_factory=dict)
    item_by_label: dict[tuple[str, str], Choice] = field(default_factory=dict)
    option_by_label: dict[tuple[str, str], Choice] = field(default_factory=dict)
    # (kind, question_id, id, language) -> labels in file order; the first is canonical.
    labels: dict[tuple[str, str, str, str], list[str]] = field(default_factory=dict)
    editions: frozenset[str] = frozenset()  # edition_ids of editions.csv (empty: not checked)

    def label(self, kind: str, question_id: str, id_: str, language: str = "nl") -> str:
        """Canonical label to print (the generator's choice); Dutch = the codebook label."""
        key = (kind, question_id if kind != "question" else id_, id_, language)
        found = self.labels.get(key)
        if not found:
            raise KeyError(f"no {language} label for {kind} {question_id}/{id_}")
        return found[0]

    def match_question(self, text: str) -> Choice | None:
        return self.question_by_label.get(normalise_label(text))

    def match_item(self, question_id: str, text: str) -> Choice | None:
        return self.item_by_label.get((question_id, normalise_label(text)))

    def match_option(self, question_id: str, text: str) -> Choice | None:
        return self.option_by_label.get((question_id, normalise_label(text)))

    def option_labels(self, question_id: str, option_id: str) -> dict[str, frozenset[str]]:
        """Every exact label of one option -> its languages (the fast path of row mapping)."""
        out: dict[str, set[str]] = {}
        for language in LANGUAGES:
            for label in self.labels.get(("option", question_id, option_id, language), []):
                out.setdefault(label, set()).add(language)
        return {label: frozenset(langs) for label, langs in out.items()}


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a seed CSV as dicts of strings (empty cells are '')."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _add(index: dict, key, id_: str, language: str, what: str) -> None:
    """Register a normalised label; two ids behind one label would make mapping a guess."""
    found = index.get(key)
    if found is None:
        index[key] = Choice(id_, frozenset({language}))
    elif found.id != id_:
        raise CodebookError(f"{what} label {key!r} matches both {found.id!r} and {id_!r}")
    else:
        index[key] = Choice(id_, found.languages | {language})


def build_codebook(directory: Path = CODEBOOK_DIR) -> Codebook:
    """Read the codebook seeds and label_variants.csv of `directory` into a Codebook."""
    questions = {
        row["question_id"]: Question(
            row["question_id"],
            row["question_type"],
            int(row["max_choices"]) if row["max_choices"] else None,
            row["question_text"],
        )
        for row in read_csv(directory / "questions.csv")
    }
    items: dict[str, list[str]] = {}
    for row in sorted(read_csv(directory / "items.csv"), key=lambda r: int(r["item_order"])):
        items.setdefault(row["question_id"], []).append(row["item_id"])
    options: dict[str, list[str]] = {}
    subtotals: dict[str, set[str]] = {}
    option_rows = sorted(read_csv(directory / "options.csv"), key=lambda r: int(r["option_order"]))
    for row in option_rows:
        if row["is_subtotal"] == "true":
            subtotals.setdefault(row["question_id"], set()).add(row["option_id"])
        else:
            options.setdefault(row["question_id"], []).append(row["option_id"])
    audiences = frozenset(row["audience"] for row in read_csv(directory / "audiences.csv"))
    book = Codebook(questions, items, options, subtotals, audiences)
    if (directory / "editions.csv").exists():
        book.editions = frozenset(row["edition_id"] for row in read_csv(directory / "editions.csv"))

    # Dutch codebook labels first (canonical), then the variants in file order.
    rows = [
        dict(kind="question", question_id=q, item_id="", option_id="", language="nl", label=question.text)
        for q, question in questions.items()
    ]
    rows += [
        dict(
            kind="item",
            question_id=r["question_id"],
            item_id=r["item_id"],
            option_id="",
            language="nl",
            label=r["item_label"],
        )
        for r in read_csv(directory / "items.csv")
    ]
    rows += [
        dict(
            kind="option",
            question_id=r["question_id"],
            item_id="",
            option_id=r["option_id"],
            language="nl",
            label=r["option_label"],
        )
        for r in option_rows
        if r["is_subtotal"] != "true"
    ]
    variants_path = directory / "label_variants.csv"
    if variants_path.exists():
        rows += read_csv(variants_path)
    for row in rows:
        _register(book, row)
    return book


def _register(book: Codebook, row: dict[str, str]) -> None:
    kind, question_id, language, label = row["kind"], row["question_id"], row["language"], row["label"]
    where = f"label_variants {kind} {question_id}/{row['item_id'] or row['option_id']}"
    if language not in LANGUAGES:
        raise CodebookError(f"{where}: language must be one of {LANGUAGES}, got {language!r}")
    if question_id not in book.questions:
        raise CodebookError(f"{where}: unknown question_id")
    if kind == "question":
        id_ = question_id
        _add(book.question_by_label, normalise_label(label), id_, language, "question")
    elif kind == "item":
        id_ = row["item_id"]
        if id_ not in book.items.get(question_id, []):
            raise CodebookError(f"{where}: unknown item_id")
        _add(book.item_by_label, (question_id, normalise_label(label)), id_, language, "item")
    elif kind == "option":
        id_ = row["option_id"]
        if id_ not in book.options.get(question_id, []):
            raise CodebookError(f"{where}: unknown or subtotal option_id")
        _add(book.option_by_label, (question_id, normalise_label(label)), id_, language, "option")
    else:
        raise CodebookError(f"{where}: kind must be question, item or option")
    labels = book.labels.setdefault((kind, question_id, id_, language), [])
    if label not in labels:
        labels.append(label)


@lru_cache(maxsize=1)
def default_codebook() -> Codebook:
    """The repository's codebook, read once per process."""
    return build_codebook(CODEBOOK_DIR)


def read_published_shares(directory: Path = PUBLISHED_DIR) -> list[dict[str, str]]:
    """seeds/published/published_shares.csv as dicts (pct stays text; callers convert)."""
    return read_csv(directory / "published_shares.csv")
