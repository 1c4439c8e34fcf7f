"""The survey tools whose CSV exports can be landed: one module per tool, registered here.

An export is recognised by its first records (`detect`): each format says whether they are its
header (`ExportFormat.recognises`), and the first format that does reads the file. A file that
no format recognises is rejected with a message naming the formats known and how each is
recognised. Adding a tool: a module beside surveymonkey.py that builds an `ExportFormat`, and
its entry in `FORMATS` (docs/landing.md, "Survey tools").
"""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

from tendensen.landing.errors import LandingError
from tendensen.landing.formats import qualtrics, surveymonkey
from tendensen.landing.formats.base import ExportFormat

FORMATS: tuple[ExportFormat, ...] = (surveymonkey.FORMAT, qualtrics.FORMAT)
# Records read to recognise a format: the longest header of any format.
HEADER_ROWS_AT_MOST = max(f.header_rows for f in FORMATS)


def recognised(rows: list[list[str]]) -> ExportFormat | None:
    """The format whose header the first records `rows` are, or None."""
    return next((f for f in FORMATS if f.recognises(rows[: f.header_rows])), None)


def detect(rows: list[list[str]], file: str) -> ExportFormat:
    """The format of an export whose first records are `rows`; LandingError if none."""
    found = recognised(rows)
    if found is None:
        raise LandingError(
            "not an export of a known survey tool; the formats known are "
            + "; ".join(f.signature for f in FORMATS)
            + ' (docs/landing.md, "Survey tools"): export the responses again as CSV',
            file=file,
            row=1,
        )
    return found


def tool_of(head: str) -> str:
    """The tool whose export `head` (a file's first characters) looks like, else all of them
    ("SurveyMonkey or Qualtrics"): for messages about files refused before their header is read."""
    rows = list(csv.reader(io.StringIO(head.lstrip("\ufeff"), newline="")))[:HEADER_ROWS_AT_MOST]
    found = recognised(rows)
    return found.name if found else " or ".join(f.name for f in FORMATS)


def name_columns(export: Path) -> tuple[int, int, int] | None:
    """(header rows, first-name column, last-name column) of an export, 1-based, for the
    personal-data scan; None when no format recognises it (the landing rejects it)."""
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            with export.open(encoding=encoding, newline="") as handle:
                rows = list(itertools.islice(csv.reader(handle), HEADER_ROWS_AT_MOST))
        except (OSError, UnicodeDecodeError, csv.Error):
            continue
        found = recognised(rows)
        return (found.header_rows, *found.name_columns) if found else None
    return None
