"""Qualtrics CSV exports (Data & Analysis -> Export data -> CSV, "Use choice text"): how one is
recognised, its three header rows read into a `Layout`, and the export settings it refuses.

The format (docs/landing.md, section 11): three header rows - row 1 the question ids (`Q1`,
`Q5_2`, ... or export tags), row 2 the question texts (`<question>`, `<question> - Selected
Choice`, `<question> - <choice or matrix row>`), row 3 one `{"ImportId":"QID5_2"}` JSON cell
per column - then one row per response, starting with seventeen fixed columns (StartDate ...
UserLanguage). Only ResponseId (hashed) and Finished (unfinished responses are kept apart) are
read; the other fixed columns and every text-entry column (`..._TEXT`) are dropped.

Questions are matched to the codebook by their text in row 2, as SurveyMonkey's by row 1; the
Qualtrics ids of row 1 and 3 only tell a text-entry column from an answer column.

A multi-choice question is one column with the chosen texts separated by commas
(`multi_joined`), or with "Split multi-value fields into columns" one column per choice
(holding the choice text or nothing). The "Use numeric values" export (codes instead of
texts) is refused: every answer would be an unknown label.
"""

from __future__ import annotations

import json
import re

from tendensen.landing.codebook import LANDABLE_TYPES, Codebook, Question
from tendensen.landing.errors import LandingError
from tendensen.landing.formats.base import ExportFormat
from tendensen.landing.layout import KeepApart, Layout, LayoutBuilder, RespondentId

NAME = "Qualtrics"
RESPONSE_ID = "ResponseId"
FINISHED = "Finished"
# Qualtrics' fixed leading columns (row 1), in export order. ResponseId is hashed, Finished
# read; everything else identifies or locates a person or is not an answer: dropped on reading.
FIXED_COLUMNS = (
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    FINISHED,
    "RecordedDate",
    RESPONSE_ID,
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "ExternalReference",
    "LocationLatitude",
    "LocationLongitude",
    "DistributionChannel",
    "UserLanguage",
)
SELECTED_CHOICE = "Selected Choice"
SEPARATOR = " - "  # between the question text and a choice / matrix row in row 2
TEXT_SUFFIX = "_TEXT"  # import ids of text-entry columns: free text, dropped
CHOICE_TEXT_SETTING = (
    'export again with "Use choice text" (Data & Analysis -> Export & Import -> Export data '
    '-> CSV), not "Use numeric values"'
)
RESPONDENT_ID_RULE = RespondentId(
    column=FIXED_COLUMNS.index(RESPONSE_ID) + 1,
    name=RESPONSE_ID,
    pattern="R_[0-9A-Za-z]+",
    otherwise='ResponseId is not a Qualtrics response id ("R_" and letters or digits)',
)
KEEP_APART = KeepApart(
    column=FIXED_COLUMNS.index(FINISHED) + 1,
    values=("False", "0"),
    reason="unfinished responses (Finished = False: started, never submitted)",
)
_NUMBERS = re.compile(r"[0-9]+(,[0-9]+)*")


def recognises(rows: list[list[str]]) -> bool:
    first = [cell.strip() for cell in rows[0][: len(FIXED_COLUMNS) + 1]] if rows and rows[0] else []
    return bool(first) and (first[0] == FIXED_COLUMNS[0] or RESPONSE_ID in first)


# --------------------------------------------------------------------------- header


def parse_header(rows: list[list[str] | None], codebook: Codebook, file: str) -> Layout:
    """Validate the three header rows and say what every column means. Pure."""
    ids, texts, imports = rows
    _check_fixed_columns(ids, file)
    import_ids = _import_ids(ids, texts, imports, file)
    header = _Header(codebook, file)
    for index in range(len(FIXED_COLUMNS), len(ids)):
        header.column(index + 1, ids[index].strip(), texts[index].strip(), import_ids[index])
    return header.builder.layout(
        header_rows=3,
        respondent_id=RESPONDENT_ID_RULE,
        keep_apart=KEEP_APART,
        free_text_name=f"text-entry ({TEXT_SUFFIX})",
    )


def _check_fixed_columns(ids: list[str], file: str) -> None:
    for number, expected in enumerate(FIXED_COLUMNS, 1):
        found = ids[number - 1].strip() if number <= len(ids) else None
        if found != expected:
            raise LandingError(
                f'expected the fixed column "{expected}" here, found "{found or ""}"; Qualtrics '
                f"CSV exports start with {', '.join(FIXED_COLUMNS)}",
                file=file,
                row=1,
                column=number,
            )


def _import_ids(ids: list[str], texts: list[str] | None, imports: list[str] | None, file: str) -> list[str]:
    """The ImportId of every column (row 3), after checking rows 2 and 3 are header rows."""
    if texts is None or imports is None:
        raise LandingError(
            "missing header rows: Qualtrics CSV exports have three (question ids, question "
            'texts, {"ImportId": ...})',
            file=file,
            row=2 if texts is None else 3,
        )
    for row, cells in ((2, texts), (3, imports)):
        if len(cells) != len(ids):
            raise LandingError(
                f"the header rows differ in length: row 1 has {len(ids)} fields, row {row} has {len(cells)}",
                file=file,
                row=row,
            )
    found = []
    for number, cell in enumerate(imports, 1):
        import_id = _import_id(cell)
        if import_id is None:
            raise LandingError(
                'missing ImportId row: row 3 must hold a {"ImportId": ...} cell in every column, '
                "as Qualtrics CSV exports have three header rows; this one has not (exported "
                'with the legacy format, or a row removed?): export again as CSV, "Use choice text"',
                file=file,
                row=3,
                column=number,
                column_name=ids[number - 1].strip(),
            )
        found.append(import_id)
    return found


def _import_id(cell: str) -> str | None:
    try:
        value = json.loads(cell)
    except ValueError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("ImportId"), str):
        return None
    return value["ImportId"]


class _Header:
    """The answer columns, left to right. Each names its question by the text in row 2."""

    def __init__(self, codebook: Codebook, file: str):
        self.codebook, self.file = codebook, file
        self.builder = LayoutBuilder(codebook)
        for number, name in enumerate(FIXED_COLUMNS, 1):
            role = "respondent_id" if name == RESPONSE_ID else "dropped"
            self.builder.fixed(number, name, role)
        self.seen: dict[str, set[str]] = {}  # question_id -> options / items / "" (one column)
        self.counted: set[str] = set()  # questions whose text counted for the header language

    def error(self, detail: str, number: int, name: str, row: int = 2) -> LandingError:
        return LandingError(detail, file=self.file, row=row, column=number, column_name=name)

    def column(self, number: int, qualtrics_id: str, text: str, import_id: str) -> None:
        name = f"{qualtrics_id} | {text}"
        if import_id.endswith(TEXT_SUFFIX) or qualtrics_id.endswith(TEXT_SUFFIX):
            self.builder.free_text_column(number, name)
            return
        question, rest = self._question(number, name, text)
        if rest and rest[0] == SELECTED_CHOICE:
            rest = rest[1:]
        label = SEPARATOR.join(rest)
        qid = question.question_id
        seen = self.seen.setdefault(qid, set())
        # "" stands for the one column of a question; a choice or matrix row for one of several
        if label in seen or (seen and not label) or ("" in seen):
            raise self.error(f'question "{qid}" has this column twice, or both one and several', number, name)
        if question.question_type == "single_choice":
            self._single(number, name, label, question)
        elif question.question_type == "multi_choice":
            self._multi(number, name, label, question)
        else:
            self._matrix(number, name, label, question)
        self.seen[qid].add(label)

    def _question(self, number: int, name: str, text: str) -> tuple[Question, list[str]]:
        """The question whose text row 2 starts with (the longest match: a question text may
        hold " - " itself), and the parts after it."""
        parts = text.split(SEPARATOR)
        for end in range(len(parts), 0, -1):
            choice = self.codebook.match_question(SEPARATOR.join(parts[:end]))
            if choice is not None:
                question = self.codebook.questions[choice.id]
                if question.question_id not in self.counted:
                    self.counted.add(question.question_id)
                    self.builder.question_text(choice)
                if question.question_type not in LANDABLE_TYPES:
                    raise self.error(
                        f'question "{choice.id}" is a {question.question_type} question, '
                        "which cannot be landed from an export",
                        number,
                        name,
                    )
                return question, parts[end:]
        raise self.error(
            "unknown question: its text (row 2) is not in seeds/codebook/questions.csv nor "
            "seeds/codebook/label_variants.csv",
            number,
            name,
        )

    def _single(self, number: int, name: str, label: str, question: Question) -> None:
        if label:
            raise self.error(
                f'a choice column for single-choice question "{question.question_id}"; expected '
                "one column holding the chosen text",
                number,
                name,
            )
        self.builder.single(number, name, question)

    def _multi(self, number: int, name: str, label: str, question: Question) -> None:
        if not label:  # every chosen text in one cell
            self.builder.multi_joined(number, name, question)
            return
        choice = self.codebook.match_option(question.question_id, label)
        if choice is None:
            raise self.error(
                f'unknown choice for multi-choice question "{question.question_id}"', number, name
            )
        self.builder.multi(number, name, question, choice.id)

    def _matrix(self, number: int, name: str, label: str, question: Question) -> None:
        choice = self.codebook.match_item(question.question_id, label) if label else None
        if choice is None:
            raise self.error(f'unknown matrix row for question "{question.question_id}"', number, name)
        self.builder.matrix(number, name, question, choice.id)


# --------------------------------------------------------------------------- rows


def check_first_rows(layout: Layout, rows: list[tuple[int, list[str]]], file: str) -> None:
    """No fourth header row, and answer cells that hold choice texts, not numbers."""
    if rows and _looks_like_header(rows[0][1]):
        raise LandingError(
            "extra header row: it repeats header material; Qualtrics CSV exports have exactly "
            "three header rows",
            file=file,
            row=rows[0][0],
        )
    cells = [
        (column, row[column.number - 1].strip())
        for _, row in rows
        for column in layout.answer_columns
        if column.number <= len(row) and row[column.number - 1].strip()
    ]
    # a number that is a label of its column (a scale "1" to "10") is a choice text
    numbers = [cell for column, cell in cells if _NUMBERS.fullmatch(cell) and cell not in column.exact]
    if cells and len(numbers) * 2 > len(cells):
        raise LandingError(
            f"answer cells hold numbers instead of choice texts ({len(numbers)} of the "
            f'{len(cells)} answers of the first {len(rows)} rows): this is a "Use numeric '
            f'values" export; {CHOICE_TEXT_SETTING}',
            file=file,
            row=rows[0][0],
        )


def _looks_like_header(fields: list[str]) -> bool:
    cells = [cell.strip() for cell in fields]
    response_id = RESPONDENT_ID_RULE.column - 1
    return bool(cells) and (
        cells[0] in (FIXED_COLUMNS[0], "Start Date")
        or cells[0].startswith('{"ImportId"')
        or (len(cells) > response_id and cells[response_id] in (RESPONSE_ID, "Response ID"))
    )


FORMAT = ExportFormat(
    name=NAME,
    header_rows=3,
    recognises=recognises,
    signature=f'{NAME} ("{FIXED_COLUMNS[0]}" in row 1, column 1, or "{RESPONSE_ID}" among the '
    "first columns of row 1; three header rows)",
    parse_header=parse_header,
    check_first_rows=check_first_rows,
    sample_rows=20,
    name_columns=(
        FIXED_COLUMNS.index("RecipientFirstName") + 1,
        FIXED_COLUMNS.index("RecipientLastName") + 1,
    ),
)
