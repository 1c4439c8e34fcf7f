"""What a survey tool's export format module declares (`ExportFormat`), so that the landing
can recognise an export, read its header rows into a `Layout` and word its messages without
knowing the tool. One instance per tool, registered in tendensen/landing/formats/__init__.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tendensen.landing.codebook import Codebook
from tendensen.landing.layout import Layout


@dataclass(frozen=True)
class Diagnosis:
    """A wrong export setting recognised from the quarantine of an export: fires when
    `count_sql` (an aggregate over the staged quarantine parquet) is at least half of
    `base_sql` (default: the quarantined respondent rows) and not 0. `message` says what to do."""

    count_sql: str
    message: str
    base_sql: str | None = None


@dataclass(frozen=True)
class ExportFormat:
    """One survey tool's CSV export."""

    name: str  # "SurveyMonkey": in messages ("SurveyMonkey CSV exports use commas")
    header_rows: int
    # Is this the tool's export? Given the first `header_rows` records (fewer if the file has
    # fewer). Lenient: an export of the tool with a broken header must still be recognised, so
    # that parse_header can say what is wrong with it.
    recognises: Callable[[list[list[str]]], bool]
    signature: str  # how it is recognised, for the message about a file no format recognises
    # The header rows (None for a missing one) -> Layout; raises LandingError.
    parse_header: Callable[[list[list[str] | None], Codebook, str], Layout]
    # The first `sample_rows` records after the header (line, fields) checked for what the
    # header alone cannot show (a repeated header row, a wrong export setting); raises LandingError.
    check_first_rows: Callable[[Layout, list[tuple[int, list[str]]], str], None]
    sample_rows: int
    name_columns: tuple[int, int]  # 1-based (first name, last name): the personal-data scan
    diagnoses: tuple[Diagnosis, ...] = ()
