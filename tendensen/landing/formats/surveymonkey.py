"""SurveyMonkey "All responses data" exports (CSV, expanded columns, actual answer text): how
one is recognised, its two header rows read into a `Layout` (`parse_header`), and the export
settings recognised from what a wrong one does to the quarantine.

The format (see docs/landing.md, section 1): two header rows - row 1 the question text (blank
where a question continues over several columns), row 2 `Response`, `Open-Ended Response` or
the option / matrix-row label of the column - then one row per respondent, starting with nine
fixed columns (Respondent ID ... Custom Data 1). Only the Respondent ID is used (hashed); the
other fixed columns and every Open-Ended Response column are dropped on reading.
"""

from __future__ import annotations

from tendensen.landing.codebook import LANDABLE_TYPES, Codebook, Question
from tendensen.landing.errors import LandingError
from tendensen.landing.formats.base import Diagnosis, ExportFormat
from tendensen.landing.layout import Layout, LayoutBuilder, RespondentId

NAME = "SurveyMonkey"
RESPONSE = "Response"
RESPONDENT_ID = "Respondent ID"
# SurveyMonkey's fixed leading columns, in export order. Only the Respondent ID is used (hashed);
# everything else identifies or locates a person and is dropped on reading, never written.
FIXED_COLUMNS = (
    RESPONDENT_ID,
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
)
DROPPED_COLUMNS = FIXED_COLUMNS[1:]
# Row-2 text of free-text columns: dropped whatever question they belong to.
OPEN_ENDED = "Open-Ended Response"
RESPONDENT_ID_RULE = RespondentId(
    column=1,
    name=RESPONDENT_ID,
    pattern="[0-9]+",
    also_valid=str.isdigit,  # Unicode digits: a number to Python, not to RE2
    invalid=(
        (
            "[0-9]([.,][0-9]+)?[eE][+]?[0-9]+",
            "Respondent ID in scientific notation, as Excel writes long numbers",
        ),
    ),
    otherwise="Respondent ID is not a number",
)


def recognises(rows: list[list[str]]) -> bool:
    return bool(rows and rows[0] and rows[0][0].strip() == RESPONDENT_ID)


# --------------------------------------------------------------------------- header


def parse_header(row1: list[str], row2: list[str] | None, codebook: Codebook, file: str) -> Layout:
    """Validate the two header rows and say what every column means. Pure."""
    _check_fixed_columns(row1, file)
    _check_second_row(row1, row2, file)
    header = _Header(codebook, file)
    for index in range(len(FIXED_COLUMNS), len(row1)):
        header.column(index + 1, row1[index].strip(), row2[index].strip())
    return header.builder.layout(
        header_rows=2, respondent_id=RESPONDENT_ID_RULE, free_text_name=f"free-text ({OPEN_ENDED})"
    )


def _check_fixed_columns(row1: list[str], file: str) -> None:
    if not row1 or row1[0].strip() != RESPONDENT_ID:
        raise LandingError(
            f'expected "{RESPONDENT_ID}" (a SurveyMonkey "All responses data" export with two header rows)',
            file=file,
            row=1,
            column=1,
        )
    for number, expected in enumerate(FIXED_COLUMNS, 1):
        found = row1[number - 1].strip() if number <= len(row1) else None
        if found != expected:
            raise LandingError(
                f'expected the fixed column "{expected}" here, found '
                f'"{found or ""}"; SurveyMonkey exports start with '
                f"{', '.join(FIXED_COLUMNS)}",
                file=file,
                row=1,
                column=number,
            )


def _check_second_row(row1: list[str], row2: list[str] | None, file: str) -> None:
    if row2 is None:
        raise LandingError("missing second header row: the file has only one line", file=file, row=2)
    if row2 and row2[0].strip():
        if [c.strip() for c in row2] == [c.strip() for c in row1]:
            raise LandingError(
                "extra header row: row 2 repeats row 1; SurveyMonkey exports have exactly two header rows",
                file=file,
                row=2,
            )
        raise LandingError(
            "missing second header row: row 2 has a Respondent ID, so it is a "
            "respondent, not the row of answer labels; SurveyMonkey exports have "
            "two header rows",
            file=file,
            row=2,
            column=1,
            column_name=RESPONDENT_ID,
        )
    if len(row2) != len(row1):
        raise LandingError(
            f"the header rows differ in length: row 1 has {len(row1)} fields, row 2 has {len(row2)}",
            file=file,
            row=2,
        )
    for number in range(2, len(FIXED_COLUMNS) + 1):
        if row2[number - 1].strip():
            raise LandingError(
                "expected an empty cell under a fixed column in the second header row",
                file=file,
                row=2,
                column=number,
                column_name=FIXED_COLUMNS[number - 1],
            )


class _Header:
    """The answer columns, left to right: a question's block starts where row 1 has its text
    and runs over the columns with an empty row 1 after it."""

    def __init__(self, codebook: Codebook, file: str):
        self.codebook, self.file = codebook, file
        self.builder = LayoutBuilder(codebook)
        self.builder.fixed(1, RESPONDENT_ID, "respondent_id")
        for number, name in enumerate(FIXED_COLUMNS[1:], 2):
            self.builder.fixed(number, name)
        self.question_columns: dict[str, int] = {}  # question_id -> first column
        self.block_text, self.block_start = "", 0
        self.block_question: Question | None = None
        self.seen_in_block: set[str] = set()

    def error(self, detail: str, number: int, name: str | None = None, row: int = 2) -> LandingError:
        return LandingError(detail, file=self.file, row=row, column=number, column_name=name)

    def column(self, number: int, text: str, label: str) -> None:
        if text:
            self._start_block(number, text)
        elif not self.block_start:
            raise self.error("column has no question text and no question before it", number, row=1)
        if not text and not label:
            raise self.error(
                "empty column: no question text in row 1 and no label in row 2 "
                "(an empty field after the last column, as a spreadsheet adds "
                "when it re-saves the file?); take the CSV out of SurveyMonkey's "
                "ZIP again and do not re-save it",
                number,
                row=1,
            )
        name = f"{self.block_text} | {label}"
        if label == OPEN_ENDED:
            self.builder.free_text_column(number, name)
            return
        question = self._block_question()
        if not label:
            raise self.error("empty label in the second header row", number, name)
        if question.question_type == "single_choice":
            self._single(number, name, label, question)
        elif label == RESPONSE:  # one column for a question that has one per option or row
            kind = "multi-choice" if question.question_type == "multi_choice" else "matrix"
            raise self.error(
                f'one "{RESPONSE}" column for {kind} question "{question.question_id}": this is '
                'a "Condensed" export; export again with Columns: "Expanded" (one column per '
                "option or matrix row)",
                number,
                name,
            )
        elif question.question_type == "multi_choice":
            self._multi(number, name, label, question)
        else:
            self._matrix(number, name, label, question)

    def _start_block(self, number: int, text: str) -> None:
        self.block_text, self.block_start, self.seen_in_block = text, number, set()
        choice = self.codebook.match_question(text)
        self.block_question = self.codebook.questions[choice.id] if choice else None
        self.builder.question_text(choice)

    def _block_question(self) -> Question:
        """The block's question, once it is known to hold answers: known, once, landable."""
        question = self.block_question
        if question is None:
            raise self.error(
                "unknown question: not in seeds/codebook/questions.csv nor seeds/codebook/label_variants.csv",
                self.block_start,
                self.block_text,
                row=1,
            )
        qid = question.question_id
        first = self.question_columns.setdefault(qid, self.block_start)
        if first != self.block_start:
            raise self.error(
                f'question "{qid}" appears twice (also from column {first})',
                self.block_start,
                self.block_text,
                row=1,
            )
        if question.question_type not in LANDABLE_TYPES:
            raise self.error(
                f'question "{qid}" is a {question.question_type} question, '
                "which cannot be landed from an export",
                self.block_start,
                self.block_text,
                row=1,
            )
        return question

    def _single(self, number: int, name: str, label: str, question: Question) -> None:
        if label != RESPONSE or RESPONSE in self.seen_in_block:
            raise self.error(
                f'expected one "{RESPONSE}" column for single-choice question "{question.question_id}"',
                number,
                name,
            )
        self.seen_in_block.add(RESPONSE)
        self.builder.single(number, name, question)

    def _multi(self, number: int, name: str, label: str, question: Question) -> None:
        qid = question.question_id
        choice = self.codebook.match_option(qid, label)
        if choice is None or choice.id in self.seen_in_block:
            what = "unknown option label" if choice is None else "option appears twice"
            raise self.error(f'{what} for multi-choice question "{qid}"', number, name)
        self.seen_in_block.add(choice.id)
        self.builder.multi(number, name, question, choice.id)

    def _matrix(self, number: int, name: str, label: str, question: Question) -> None:
        qid = question.question_id
        choice = self.codebook.match_item(qid, label)
        if choice is None or choice.id in self.seen_in_block:
            what = "unknown matrix row label" if choice is None else "matrix row appears twice"
            raise self.error(f'{what} for question "{qid}"', number, name)
        self.seen_in_block.add(choice.id)
        self.builder.matrix(number, name, question, choice.id)


# --------------------------------------------------------------------------- rows


def looks_like_header(fields: list[str]) -> bool:
    """A row that repeats row 1, or has no Respondent ID and repeats header material."""
    if fields and fields[0].strip() == RESPONDENT_ID:
        return True
    if fields and fields[0].strip():
        return False
    cells = {f.strip() for f in fields}
    return bool(cells & {RESPONSE, OPEN_ENDED, RESPONDENT_ID}) or (
        [f.strip() for f in fields[: len(FIXED_COLUMNS)]] == list(FIXED_COLUMNS)
    )


def check_first_rows(layout: Layout, rows: list[tuple[int, list[str]]], file: str) -> None:
    """No third header row."""
    line, fields = rows[0] if rows else (None, [])
    if looks_like_header(fields):
        raise LandingError(
            "extra header row: it has no Respondent ID and repeats header "
            "labels; SurveyMonkey exports have exactly two header rows",
            file=file,
            row=line,
        )


# What a wrong SurveyMonkey export setting, or a spreadsheet re-saving the file, does to the
# quarantine, and what to do about it (docs/landing.md, section 1).
DIAGNOSES = (
    Diagnosis(
        """count(distinct row_number) filter (where reason like 'Respondent ID in scientific notation%')""",
        "Respondent IDs in scientific notation (like 1.26693E+10) are what Excel writes when it "
        "opens and saves a CSV, and the lost digits cannot be recovered: take the CSV out of "
        "SurveyMonkey's ZIP again and do not open it in Excel.",
    ),
    # "too many fields: k instead of n" sits in column n + 1: one field too many when k = n + 1
    Diagnosis(
        """count(distinct row_number) filter (where reason like 'too many fields:%'
              and try_cast(regexp_extract(reason, 'fields: ([0-9]+) ', 1) as integer) = column_number)""",
        "the quarantined rows have one field more than the header rows: an empty field after "
        "the last column, which a spreadsheet adds when it re-saves the file; take the CSV out of "
        "SurveyMonkey's ZIP again and do not re-save it.",
    ),
    Diagnosis(
        """count(*) filter (where reason like 'unknown answer label%' and redacted_value like '(redacted: a number of %')""",
        'answer cells hold numbers instead of answer text: this is a "Numerical value" export; '
        'export again with Cells: "Actual answer text" (docs/landing.md, section 1).',
        base_sql="count(*) filter (where reason like 'unknown answer label%')",
    ),
)


def _parse(rows: list[list[str] | None], codebook: Codebook, file: str) -> Layout:
    return parse_header(rows[0] or [], rows[1], codebook, file)


FORMAT = ExportFormat(
    name=NAME,
    header_rows=2,
    recognises=recognises,
    signature=f'{NAME} ("{RESPONDENT_ID}" in row 1, column 1; two header rows)',
    parse_header=_parse,
    check_first_rows=check_first_rows,
    sample_rows=1,
    name_columns=(FIXED_COLUMNS.index("First Name") + 1, FIXED_COLUMNS.index("Last Name") + 1),
    diagnoses=DIAGNOSES,
)
