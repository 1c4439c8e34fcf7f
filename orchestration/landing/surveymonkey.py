"""Read and validate one SurveyMonkey "All responses data" export (CSV, expanded): its bytes
(`probe_file`: identity, encoding, record index) and its two header rows (`parse_header`:
what every column means, with the exact labels each answer column may hold). The respondent
rows are mapped and checked by DuckDB (`body`), with `resolve_cell` and `unknown_reason` from
here for the few cells that are not exact labels.

The format (see docs/landing.md): two header rows - row 1 the question text (blank where a
question continues over several columns), row 2 `Response`, `Open-Ended Response` or the
option / matrix-row label of the column - then one row per respondent, starting with nine fixed
columns (Respondent ID ... Custom Data 1).

Problems with the file as a whole (encoding we cannot read, wrong delimiter, broken header,
unknown question) raise `LandingError`: nothing of such a file may land, because every row
would be mis-read. Problems of one respondent row (unknown answer label, duplicate Respondent
ID, truncated line, too many ticks) become `Problem`s: that row is quarantined, the rest lands.
Every message names the file, and the row (1-based line of the file) and column (1-based
number and header text) where there is one.

Cells are only ever compared with known labels, never interpreted: a cell such as
"=HYPERLINK(...)" is just an unknown label, kept as the exact text in quarantine.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.landing.anonymise import FIXED_COLUMNS, OPEN_ENDED, RESPONDENT_ID
from orchestration.landing.codebook import LANDABLE_TYPES, Codebook
from orchestration.landing.records import RecordIndex, RecordScanner

RESPONSE = "Response"
FORMULA_PREFIXES = ("=", "+", "-", "@")
LANGUAGE_BITS = {"nl": 1, "fr": 2}
_DELIMITER_NAMES = {";": 'semicolons (";")', "\t": "tabs", "|": 'pipes ("|")'}
_CHUNK = 1 << 20  # read, hashed, decoded and indexed while it is still in the CPU cache


def locate(
    file: str, row: int | None = None, column: int | None = None, column_name: str | None = None
) -> str:
    """`file, row 3, column 12 "header text"`: the prefix of every message."""
    where = file
    if row is not None:
        where += f", row {row}"
    if column is not None:
        where += f", column {column}"
        if column_name:
            where += f' "{column_name}"'
    return where


class LandingError(Exception):
    """A file that cannot land at all; `message` names file, row and column where known."""

    def __init__(
        self,
        detail: str,
        *,
        file: str,
        row: int | None = None,
        column: int | None = None,
        column_name: str | None = None,
    ):
        self.detail = detail
        self.file = file
        self.row = row
        self.column = column
        self.column_name = column_name
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{locate(self.file, self.row, self.column, self.column_name)}: rejected: {self.detail}"


@dataclass(frozen=True)
class Problem:
    """One offending cell of a respondent row; the row is quarantined because of it.

    redacted_value is None where the cell may identify a person (fixed columns, free text) or
    where there is no cell (truncated line); else the cell's shape, never its text, unless it
    is a codebook label (body.REDACTED).
    """

    row_number: int
    column_number: int | None
    column_name: str | None
    redacted_value: str | None
    reason: str

    def message(self, file: str) -> str:
        where = locate(file, self.row_number, self.column_number, self.column_name)
        return f"{where}: quarantined: {self.reason}"


# --------------------------------------------------------------------------- bytes -> text


@dataclass(frozen=True)
class Probe:
    """What reading the raw bytes once told us: identity, encoding, and what to say about it."""

    export_id: str  # sha256 of the file bytes
    encoding: str | None  # Python codec to open the file with; None when rejected
    messages: tuple[str, ...]
    rejection: str | None = None  # why the file cannot be read at all (LandingError detail)
    # an odd number of double quotes: the last cell was opened and never closed (truncated)
    ends_inside_quotes: bool = False
    # where the records start, when DuckDB can read the file as it is (see records.py)
    records: RecordIndex | None = None


def probe_file(path: Path, file: str) -> Probe:
    """Hash the bytes, index the records and choose the decoding: UTF-8 (BOM stripped), else
    cp1252, else Latin-1. One pass over the file in 1 MiB chunks (exports can be gigabytes).

    SurveyMonkey writes UTF-8; a cp1252 file is a sign that someone re-saved the export in
    Excel. We still read it (the labels are then correct), but say so. UTF-16 ("Unicode text"
    from Excel) is refused: it is a different file format, not an encoding slip.
    """
    digest = hashlib.sha256()
    scanner = RecordScanner()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok, has_content, first = True, False, b""
    quotes = 0  # parity; 0x22 is the double quote in UTF-8, cp1252 and Latin-1 alike
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            quotes ^= chunk.count(b'"') & 1
            if len(first) < 4:
                first = (first + chunk)[:4]
            if not has_content and chunk.strip(b" \t\r\n\xef\xbb\xbf"):
                has_content = True
            utf8_ok = utf8_ok and _decodes(utf8, chunk)
            if utf8_ok:
                scanner.feed(chunk)
    if first[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return Probe(
            digest.hexdigest(),
            None,
            (),
            "file is UTF-16 encoded; SurveyMonkey CSV "
            "exports are UTF-8: export again as CSV and do not re-save the file in Excel",
        )
    if not has_content:
        return Probe(digest.hexdigest(), None, (), "file is empty")
    messages: list[str] = []
    records = None
    if utf8_ok and _decodes(utf8, b"", final=True):
        if first.startswith(codecs.BOM_UTF8):
            messages.append(f"{file}: UTF-8 byte order mark (BOM) found and stripped")
            encoding = "utf-8-sig"
        else:
            encoding = "utf-8"
        records = scanner.finish(path)
    elif _decodes_as(path, "cp1252"):
        messages.append(f"{file}: decoded as cp1252 (not UTF-8)")
        encoding = "cp1252"
    else:
        messages.append(f"{file}: decoded as Latin-1 (neither UTF-8 nor cp1252)")
        encoding = "latin-1"
    return Probe(
        digest.hexdigest(), encoding, tuple(messages), records=records, ends_inside_quotes=bool(quotes)
    )


def _decodes_as(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            if not _decodes(decoder, chunk):
                return False
    return _decodes(decoder, b"", final=True)


def _decodes(decoder: codecs.IncrementalDecoder, chunk: bytes, final: bool = False) -> bool:
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError:
        return False
    return True


def check_delimiter(head: str, file: str) -> None:
    """Refuse a header that another delimiter splits into more fields than the comma does.

    A `;`- or tab-separated file is what Excel writes when a CSV is re-saved with a Dutch or
    French locale; reading it with commas would make every row one long field.
    """

    def first_record(delimiter: str) -> list[str]:
        return next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), [])

    commas = len(first_record(","))
    for delimiter, name in _DELIMITER_NAMES.items():
        if len(first_record(delimiter)) > max(commas, 1):
            raise LandingError(
                f"fields are separated by {name}, not by commas; SurveyMonkey CSV exports use "
                "commas: export again as CSV and do not re-save the file in Excel",
                file=file,
                row=1,
            )


# --------------------------------------------------------------------------- header


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
    """What one column of the export means; `role` says how its cells are read."""

    number: int  # 1-based
    name: str  # header text for messages: "question text | row-2 label"
    role: str  # respondent_id | dropped | single | multi | matrix
    question_id: str | None = None
    item_id: str | None = None
    option_id: str | None = None  # multi: the option this column stands for
    max_choices: int | None = None
    # exact cell text -> (answer code, language bits); grows with normalised matches
    exact: dict[str, tuple[int, int]] = field(default_factory=dict)
    codes: _Codes | None = field(default=None, repr=False)


@dataclass
class Layout:
    """The parsed header: columns and the (question, item, option) behind each answer code."""

    columns: list[Column]
    codes: list[tuple[str, str | None, str]]  # code -> (question_id, item_id, option_id)
    language: str  # language of the header's question texts: default for silent rows
    free_text_columns: int

    @property
    def n_fields(self) -> int:
        return len(self.columns)

    @property
    def answer_columns(self) -> list[Column]:
        return [c for c in self.columns if c.role in ("single", "multi", "matrix")]


def _bits(languages: Iterable[str]) -> int:
    return sum(LANGUAGE_BITS[language] for language in languages)


def parse_header(row1: list[str], row2: list[str] | None, codebook: Codebook, file: str) -> Layout:
    """Validate the two header rows and say what every column means. Pure."""
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

    columns = [Column(1, RESPONDENT_ID, "respondent_id")]
    columns += [Column(n, name, "dropped") for n, name in enumerate(FIXED_COLUMNS[1:], 2)]
    codes = _Codes()
    question_columns: dict[str, int] = {}  # question_id -> first column
    block_text, block_start, block_question = "", 0, None
    seen_in_block: set[str] = set()
    languages = {"nl": 0, "fr": 0}
    free_text = 0
    for index in range(len(FIXED_COLUMNS), len(row1)):
        number, text, label = index + 1, row1[index].strip(), row2[index].strip()
        if text:
            block_text, block_start, seen_in_block = text, number, set()
            choice = codebook.match_question(text)
            block_question = codebook.questions[choice.id] if choice else None
            if choice and len(choice.languages) == 1:
                languages[next(iter(choice.languages))] += 1
        elif not block_start:
            raise LandingError(
                "column has no question text and no question before it", file=file, row=1, column=number
            )
        if not text and not label:
            raise LandingError(
                "empty column: no question text in row 1 and no label in row 2 "
                "(an empty field after the last column, as a spreadsheet adds "
                "when it re-saves the file?); take the CSV out of SurveyMonkey's "
                "ZIP again and do not re-save it",
                file=file,
                row=1,
                column=number,
            )
        name = f"{block_text} | {label}"
        if label == OPEN_ENDED:
            columns.append(Column(number, name, "dropped"))
            free_text += 1
            continue
        if block_question is None:
            raise LandingError(
                "unknown question: not in seeds/codebook/questions.csv nor seeds/codebook/label_variants.csv",
                file=file,
                row=1,
                column=block_start,
                column_name=block_text,
            )
        question = block_question
        qid = question.question_id
        first = question_columns.setdefault(qid, block_start)
        if first != block_start:
            raise LandingError(
                f'question "{qid}" appears twice (also from column {first})',
                file=file,
                row=1,
                column=block_start,
                column_name=block_text,
            )
        if question.question_type not in LANDABLE_TYPES:
            raise LandingError(
                f'question "{qid}" is a {question.question_type} question, '
                "which cannot be landed from an export",
                file=file,
                row=1,
                column=block_start,
                column_name=block_text,
            )
        if not label:
            raise LandingError(
                "empty label in the second header row", file=file, row=2, column=number, column_name=name
            )
        column = Column(number, name, "", question_id=qid)
        if question.question_type == "single_choice":
            if label != RESPONSE or RESPONSE in seen_in_block:
                raise LandingError(
                    f'expected one "{RESPONSE}" column for single-choice question "{qid}"',
                    file=file,
                    row=2,
                    column=number,
                    column_name=name,
                )
            column.role = "single"
            seen_in_block.add(RESPONSE)
            _fill_exact(column, codebook, codes, None)
        elif label == RESPONSE:  # one column for a question that has one per option or row
            raise LandingError(
                f'one "{RESPONSE}" column for '
                f"{'multi-choice' if question.question_type == 'multi_choice' else 'matrix'} "
                f'question "{qid}": this is a "Condensed" export; export again '
                'with Columns: "Expanded" (one column per option or matrix row)',
                file=file,
                row=2,
                column=number,
                column_name=name,
            )
        elif question.question_type == "multi_choice":
            choice = codebook.match_option(qid, label)
            if choice is None or choice.id in seen_in_block:
                what = "unknown option label" if choice is None else "option appears twice"
                raise LandingError(
                    f'{what} for multi-choice question "{qid}"',
                    file=file,
                    row=2,
                    column=number,
                    column_name=name,
                )
            column.role, column.option_id, column.max_choices = "multi", choice.id, question.max_choices
            seen_in_block.add(choice.id)
            _fill_exact(column, codebook, codes, None)
        else:
            choice = codebook.match_item(qid, label)
            if choice is None or choice.id in seen_in_block:
                what = "unknown matrix row label" if choice is None else "matrix row appears twice"
                raise LandingError(
                    f'{what} for question "{qid}"', file=file, row=2, column=number, column_name=name
                )
            column.role, column.item_id = "matrix", choice.id
            seen_in_block.add(choice.id)
            _fill_exact(column, codebook, codes, choice.id)
        columns.append(column)
    language = "fr" if languages["fr"] > languages["nl"] else "nl"
    return Layout(columns, codes.codes, language, free_text)


def _fill_exact(column: Column, codebook: Codebook, codes: _Codes, item_id: str | None) -> None:
    """Exact labels a cell of this column may hold (the fast path of row mapping)."""
    qid = column.question_id
    option_ids = [column.option_id] if column.role == "multi" else codebook.options.get(qid, [])
    for option_id in option_ids:
        code = codes(qid, item_id, option_id)
        for label, languages in codebook.option_labels(qid, option_id).items():
            column.exact[label] = (code, _bits(languages))
    column.codes = codes  # normalised matches found later get their codes from here


def resolve_cell(column: Column, value: str, codebook: Codebook) -> tuple[int, int] | None:
    """The (code, language bits) of a cell text that is not an exact label, or None.

    Matches after normalisation; a multi-choice cell must name the column's own option.
    Successful matches are memoised in `column.exact`.
    """
    choice = codebook.match_option(column.question_id, value)
    if choice is None or (column.role == "multi" and choice.id != column.option_id):
        return None
    hit = (column.codes(column.question_id, column.item_id, choice.id), _bits(choice.languages))
    column.exact[value] = hit
    return hit


# --------------------------------------------------------------------------- rows


def read_records(handle: io.TextIOBase, file: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, fields) for every CSV record; line numbers count physical
    lines, so a free-text cell with line breaks does not shift later row numbers."""
    reader = csv.reader(handle)
    line = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise LandingError(f"not readable as CSV ({error})", file=file, row=reader.line_num) from None
        yield line, fields
        line = reader.line_num + 1


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


def unknown_reason(column: Column, value: str) -> str:
    reason = f'unknown answer label for question "{column.question_id}"'
    if column.role == "matrix":
        reason += f', item "{column.item_id}"'
    elif column.role == "multi":
        reason += f', option column "{column.option_id}"'
    if value.startswith(FORMULA_PREFIXES):
        reason += f'; the cell starts with "{value[0]}" and is kept as text, never evaluated'
    return reason
