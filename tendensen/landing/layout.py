"""What the header rows of an export say, in terms that do not depend on the survey tool: a
`Layout` (how many header rows, which column holds the respondent id and how a valid id looks,
which responses are kept apart, and what every column means, with the exact labels each
answer column may hold). A format module (tendensen/landing/formats) reads its tool's
header rows into a Layout with a `LayoutBuilder`; the body (`body.py`) maps every respondent
row through it, with `resolve_cell` and `unknown_reason` for the few cells that are not exact
labels.

Cells are only ever compared with known labels, never interpreted: a cell such as
"=HYPERLINK(...)" is just an unknown label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tendensen.landing.codebook import Choice, Codebook, Question
from tendensen.landing.errors import FORMULA_PREFIXES

LANGUAGE_BITS = {"nl": 1, "fr": 2}
# Column roles whose cells are answers (the others: respondent_id, dropped).
ANSWER_ROLES = ("single", "multi", "matrix", "multi_joined")


class _Codes:
    """Assigns one small int per (question, item, option): rows carry ints, not strings."""

    def __init__(self) -> None:
        self.codes: list[tuple[str, str | None, str]] = []
        self.index: dict[tuple[str, str | None, str], int] = {}

    def __call__(self, question_id: str, item_id: str | None, option_id: str) -> int:
        key = (question_id, item_id, option_id)
        if key not in self.index:
            self.index[key] = len(self.codes)
            self.codes.append(key)
        return self.index[key]


@dataclass
class Column:
    """What one column of the export means; `role` says how its cells are read:
    respondent_id | dropped | single (one chosen label) | multi (one option: its label or
    empty) | matrix (one item: the chosen label) | multi_joined (every chosen option's label
    in one cell, separated by commas)."""

    number: int  # 1-based
    name: str  # header text for messages
    role: str
    question_id: str | None = None
    item_id: str | None = None
    option_id: str | None = None  # multi: the option this column stands for
    max_choices: int | None = None
    # exact cell text -> (answer code, language bits); grows with normalised matches
    exact: dict[str, tuple[int, int]] = field(default_factory=dict)
    codes: _Codes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class RespondentId:
    """The column that identifies a respondent (hashed, never written) and what a valid id is."""

    column: int  # 1-based
    name: str  # as in messages: "Respondent ID"
    pattern: str  # a valid id, as a whole (RE2 and Python re alike)
    # ids the pattern misses that are valid all the same (Python str methods: Unicode digits)
    also_valid: Callable[[str], bool] | None = None
    # (RE2 pattern of a whole invalid id, reason), the first that matches says why
    invalid: tuple[tuple[str, str], ...] = ()
    otherwise: str = "not a valid id"  # the reason for any other invalid id


@dataclass(frozen=True)
class KeepApart:
    """Responses that are not landed, and not a problem either (e.g. Qualtrics responses whose
    `Finished` is False): counted and reported, never in the shares."""

    column: int  # 1-based
    values: tuple[str, ...]  # cell values (compared stripped, case folded) that keep a row apart
    reason: str  # said in the report: what they are and why they are not landed


@dataclass
class Layout:
    """The parsed header: columns and the (question, item, option) behind each answer code."""

    columns: list[Column]
    codes: list[tuple[str, str | None, str]]  # code -> (question_id, item_id, option_id)
    language: str  # language of the header's question texts: default for silent rows
    free_text_columns: int
    header_rows: int = 2
    respondent_id: RespondentId | None = None
    keep_apart: KeepApart | None = None
    free_text_name: str = "free-text"  # what the report calls the dropped free-text columns

    @property
    def n_fields(self) -> int:
        return len(self.columns)

    @property
    def answer_columns(self) -> list[Column]:
        return [c for c in self.columns if c.role in ANSWER_ROLES]


def _bits(languages: Iterable[str]) -> int:
    return sum(LANGUAGE_BITS[language] for language in languages)


class LayoutBuilder:
    """Columns appended left to right; `layout()` gives the Layout. The format module checks
    the header and words the messages; this only records what each column means."""

    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        self.columns: list[Column] = []
        self.codes = _Codes()
        self.languages = {"nl": 0, "fr": 0}
        self.free_text = 0

    def question_text(self, choice: Choice | None) -> None:
        """A matched question text: counts for the header's language if it has only one."""
        if choice and len(choice.languages) == 1:
            self.languages[next(iter(choice.languages))] += 1

    def fixed(self, number: int, name: str, role: str = "dropped") -> None:
        self.columns.append(Column(number, name, role))

    def free_text_column(self, number: int, name: str) -> None:
        self.columns.append(Column(number, name, "dropped"))
        self.free_text += 1

    def single(self, number: int, name: str, question: Question) -> None:
        self._answer(Column(number, name, "single", question_id=question.question_id), None)

    def multi(self, number: int, name: str, question: Question, option_id: str) -> None:
        column = Column(number, name, "multi", question.question_id, None, option_id, question.max_choices)
        self._answer(column, None)

    def multi_joined(self, number: int, name: str, question: Question) -> None:
        column = Column(number, name, "multi_joined", question.question_id, max_choices=question.max_choices)
        self._answer(column, None)

    def matrix(self, number: int, name: str, question: Question, item_id: str) -> None:
        self._answer(Column(number, name, "matrix", question.question_id, item_id), item_id)

    def _answer(self, column: Column, item_id: str | None) -> None:
        fill_exact(column, self.codebook, self.codes, item_id)
        self.columns.append(column)

    def layout(self, **settings) -> Layout:
        language = "fr" if self.languages["fr"] > self.languages["nl"] else "nl"
        return Layout(self.columns, self.codes.codes, language, self.free_text, **settings)


def fill_exact(column: Column, codebook: Codebook, codes: _Codes, item_id: str | None) -> None:
    """Exact labels a cell of this column may hold (the fast path of row mapping)."""
    qid = column.question_id
    option_ids = [column.option_id] if column.role == "multi" else codebook.options.get(qid, [])
    for option_id in option_ids:
        code = codes(qid, item_id, option_id)
        for label, languages in codebook.option_labels(qid, option_id).items():
            column.exact[label] = (code, _bits(languages))
    column.codes = codes  # normalised matches found later get their codes from here


def resolve_cell(column: Column, value: str, codebook: Codebook) -> list[tuple[int, int]] | None:
    """The (code, language bits) of every answer in a cell text that is not an exact label,
    or None when the cell is not a (list of) known label(s).

    Matches after normalisation; a multi-choice cell must name the column's own option; a
    joined multi-choice cell is split at its commas (`split_joined`). Successful matches of
    single labels are memoised in `column.exact`.
    """
    if column.role == "multi_joined":
        choices = split_joined(value, lambda text: codebook.match_option(column.question_id, text))
        if choices is None:
            return None
        return [(column.codes(column.question_id, None, c.id), _bits(c.languages)) for c in choices]
    choice = codebook.match_option(column.question_id, value)
    if choice is None or (column.role == "multi" and choice.id != column.option_id):
        return None
    hit = (column.codes(column.question_id, column.item_id, choice.id), _bits(choice.languages))
    column.exact[value] = hit
    return [hit]


def split_joined(value: str, match: Callable[[str], Choice | None]) -> list[Choice] | None:
    """The options of a cell that lists chosen labels separated by commas, in option order of
    appearance; None if any part is not a label. Labels may hold commas themselves ("Ja, zeker
    wel"), so the cell is cut at every comma and the longest run of pieces that is a label is
    taken first. An option named twice is one answer."""
    pieces = value.split(",")
    found: list[Choice] = []
    start = 0
    while start < len(pieces):
        for end in range(len(pieces), start, -1):
            choice = match(",".join(pieces[start:end]))
            if choice is not None:
                break
        else:
            return None
        if all(choice.id != seen.id for seen in found):
            found.append(choice)
        start = end
    return found


def unknown_reason(column: Column, value: str) -> str:
    reason = f'unknown answer label for question "{column.question_id}"'
    if column.role == "matrix":
        reason += f', item "{column.item_id}"'
    elif column.role == "multi":
        reason += f', option column "{column.option_id}"'
    if value.startswith(FORMULA_PREFIXES):
        reason += f'; the cell starts with "{value[0]}" and is kept as text, never evaluated'
    return reason
