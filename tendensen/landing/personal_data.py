"""The personal-data scan of everything landed (the blocking check `no_personal_data_landed`).

The landing drops every personal column and keeps only the shape of an offending cell, so
this scan should never find anything: it is the safety net that catches a regression (a new
column, a message quoting a cell) before the warehouse and its serving copy are built.

It runs on everything landed, every run: what matters is what is on disk now, not what one
run wrote (an unchanged export is not landed again, so a scan limited to this run's files
passed on the second run while the leak was still there). It is cheap: the quarantine and
the respondents files are small next to the answers, which hold only codebook ids and keys
(an unmapped cell goes to the quarantine) and are not read.

Findings carry counts and locations (file, column or log line, kind), never the values:
they end up in Dagster's event log, and a finding that quoted the value would leak it there.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb

# Bounded like the landing (tendensen/landing/land.py): unbounded, DuckDB cached the whole
# export while reading its name columns, and a 1 GB export took the scan to 1.5 GB of
# memory (bench/NOTES.md); one thread reads serially anyway (see _name_cells).
SCAN_SETTINGS = {"memory_limit": "256MB", "threads": 1}


@contextlib.contextmanager
def scan_connection(landed: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection with the scan's bounds. Beyond them it spills, the
    exports' names among what it spills: into a private temporary folder of `landed`, as the
    landing does (not DuckDB's default `.tmp` in the working folder), removed afterwards; a
    killed run's is removed by the next (tendensen/faults.py, `.landing-<pid>-`)."""
    spill = Path(tempfile.mkdtemp(prefix=f".landing-{os.getpid()}-scan-", dir=landed))
    try:
        with duckdb.connect(config={**SCAN_SETTINGS, "temp_directory": str(spill)}) as con:
            yield con
    finally:
        shutil.rmtree(spill, ignore_errors=True)


# What a respondent might type into an answer cell, or SurveyMonkey put in the dropped
# columns. RE2 (DuckDB) and Python `re` read these the same way.
PATTERNS = {
    "e-mail address": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
    "IPv4 address": r"\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b",
    "IPv6 address": r"\b[0-9A-Fa-f]{1,4}(?:::?[0-9A-Fa-f]{1,4}){3,7}\b",
    "IBAN": r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\b",
    # international (+32 470 12 34 56, 0031 6 ...) or Belgian/Dutch national (0470 12 34 56,
    # 02/123.45.67, 0612345678)
    "phone number": (
        r"(?:\+|\b00)[1-9][0-9 ()./-]{7,}[0-9]"
        r"|\b0[1-9][0-9]{0,3}[ /.-]?[0-9]{2,3}[ .-]?[0-9]{2}[ .-]?[0-9]{2}\b"
    ),
}
# Columns that must hold a sha256 (hex): anything else there is a value that was not hashed.
HASH_COLUMNS = ("respondent_key", "export_id")
HASH = "[0-9a-f]{64}"
SCANNED_KINDS = ("quarantine", "respondents")
NAME_WORDS_AT_MOST = 4  # longer "names" are not names; phrases up to this length are compared


def personal_data_found(landed: Path, exports: list[Path] | tuple[Path, ...] = ()) -> list[str]:
    """Where the landed files (`landed`: data/landed) hold something that looks personal:
    e-mail and IP addresses, IBANs, phone numbers, a key that is not a hash, or a name of
    the `exports`' own First Name / Last Name columns. One line per file, column (or log
    line) and kind, with a count; never the value itself."""
    found: list[str] = []
    if not landed.is_dir():
        return found  # nothing landed, nothing to find
    text_values: dict[str, set[str]] = {}  # location -> distinct values, for the name check
    with scan_connection(landed) as con:
        for file in landed_files(landed):
            where = file.relative_to(landed).as_posix()
            for column in text_columns(con, file):
                if column in HASH_COLUMNS:
                    found += _not_hashes(con, file, where, column)
                    continue
                values = _distinct(con, file, column)
                text_values[f"{where}, column {column}"] = values
                found += [
                    f"{where}, column {column}: {count} value(s) that look like {_article(kind)}"
                    for kind, count in _pattern_counts(values).items()
                ]
    log = landed / "landing_log.csv"
    if log.exists():
        for number, line in enumerate(log.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            text_values[f"landing_log.csv, line {number}"] = {line}
            found += [
                f"landing_log.csv, line {number}: looks like it holds {_article(kind)}"
                for kind in _pattern_counts({line})
            ]
    names = export_names(exports, landed)
    if names:
        for location, values in text_values.items():
            count = sum(1 for value in values if phrases(value) & names)
            if count:
                found.append(
                    f"{location}: {count} value(s) holding a name of the exports' "
                    "First Name / Last Name columns"
                )
    return found


def _article(kind: str) -> str:
    return ("an " if kind[0] in "aeiouAEI" else "a ") + kind


def landed_files(landed: Path) -> list[Path]:
    return sorted(file for kind in SCANNED_KINDS for file in (landed / kind).glob("*.parquet"))


def text_columns(con: duckdb.DuckDBPyConnection, file: Path) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "select name from parquet_schema(?) where type = 'BYTE_ARRAY'", [str(file)]
        ).fetchall()
    ]


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _not_hashes(con: duckdb.DuckDBPyConnection, file: Path, where: str, column: str) -> list[str]:
    (count,) = con.execute(
        f"select count(distinct {_quoted(column)}) from read_parquet(?) "
        f"where not regexp_full_match({_quoted(column)}, ?)",
        [str(file), HASH],
    ).fetchone()
    return [f"{where}, column {column}: {count} value(s) that are not a sha256 hash"] if count else []


def _distinct(con: duckdb.DuckDBPyConnection, file: Path, column: str) -> set[str]:
    return {
        value
        for (value,) in con.execute(
            f"select distinct {_quoted(column)}::varchar from read_parquet(?) "
            f"where {_quoted(column)} is not null",
            [str(file)],
        ).fetchall()
    }


def _pattern_counts(values: set[str]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for kind, pattern in COMPILED.items():
        counts[kind] = sum(1 for value in values if pattern.search(value))
    return {kind: count for kind, count in counts.items() if count}


COMPILED = {kind: re.compile(pattern) for kind, pattern in PATTERNS.items()}
WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return WORD.findall(text.casefold())


def phrases(text: str) -> set[str]:
    """Every run of 1 to NAME_WORDS_AT_MOST consecutive words of `text`, lower case."""
    tokens = words(text)
    return {
        " ".join(tokens[i : i + n])
        for n in range(1, NAME_WORDS_AT_MOST + 1)
        for i in range(len(tokens) - n + 1)
    }


def export_names(exports, landed: Path) -> set[str]:
    """The names in the exports' First Name and Last Name columns, as comparable phrases:
    each Last Name, and each "First Last". A first name alone is not compared: first names
    are often ordinary words ("Synthetic", "Mark") that the file names or questions use.
    Phrases of the export's own file name are not names either. `landed`: where the read
    may spill (scan_connection)."""
    names: set[str] = set()
    for export in exports:
        rows = _name_cells(export, landed)
        known = set(phrases(export.name))
        for first, last in rows:
            last_words, first_words = words(last or ""), words(first or "")
            if not last_words or len(first_words) + len(last_words) > NAME_WORDS_AT_MOST:
                continue
            candidates = {" ".join(first_words + last_words)}
            if len(last_words) > 1 or len(last_words[0]) >= 3:
                candidates.add(" ".join(last_words))
            names |= {name for name in candidates if name not in known and not name.isdigit()}
    return names


def _name_cells(export: Path, landed: Path) -> list[tuple[str | None, str | None]]:
    """(first name, last name) of every respondent row of an export, from the columns its
    format names (tendensen/landing/formats: SurveyMonkey's First Name / Last Name), with
    DuckDB's CSV reader; a file no format recognises or DuckDB cannot read is skipped: the
    landing rejects or reports it."""
    from tendensen.landing.formats import name_columns

    found = name_columns(export)
    if found is None:
        return []
    header_rows, first, last = found
    for encoding in ("utf-8", "latin-1"):
        try:
            with scan_connection(landed) as con:
                return con.execute(
                    f"select distinct #{first}, #{last} from read_csv(?, header = false, "
                    f"skip = {header_rows}, all_varchar = true, delim = ',', quote = '\"', "
                    "escape = '\"', strict_mode = false, ignore_errors = true, "
                    # null padding with quoted line breaks (free text) needs the serial reader:
                    # the parallel one refuses such a file, and no name would be compared
                    "null_padding = true, parallel = false, encoding = ?)",
                    [str(export), encoding],
                ).fetchall()
        except duckdb.Error:
            continue
    return []
