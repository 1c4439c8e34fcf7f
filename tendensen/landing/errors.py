"""What goes wrong when landing an export, whatever survey tool wrote it.

Problems with the file as a whole (encoding we cannot read, wrong delimiter, broken header,
unknown question) raise `LandingError`: nothing of such a file may land, because every row
would be mis-read. Problems of one respondent row (unknown answer label, duplicate respondent
id, truncated line, too many ticks) become `Problem`s: that row is quarantined, the rest lands.
Every message names the file, and the row (1-based line of the file) and column (1-based
number and header text) where there is one.
"""

from __future__ import annotations

from dataclasses import dataclass

# A cell starting with one of these is a formula to a spreadsheet: never evaluated, and
# written to the landing log with a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@")


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
