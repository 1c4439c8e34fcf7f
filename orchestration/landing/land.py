"""`land_file`: one SurveyMonkey export in, canonical parquet files per edition x audience out.

Layout under `landed_dir` (see docs/landing.md):

    answers/<edition_id>__<audience>.parquet      one row per chosen option
    respondents/<edition_id>__<audience>.parquet  every landed respondent (also silent ones)
    quarantine/<edition_id>__<audience>.parquet   offending cells of quarantined rows
    landing_log.csv                               one line per call, whatever happened

Why one file per edition x audience, replaced whole: an export is always the complete set of
responses of a collector, so a newer export supersedes the older one; appending would double
count. Files are written to a temporary name beside the target and moved with os.replace
(atomic on one filesystem); respondents/ is replaced last and is the record of which export is
landed, so a crash half-way makes the next call land the file again instead of "unchanged".

Nothing of a rejected file is written except its log line. Bad input never raises: it is
reported as action "rejected" (whole file) or as quarantined rows; exceptions are left for
programming errors. One lander at a time per landed_dir (the log append is not locked).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.landing.anonymise import respondent_keyer
from orchestration.landing.codebook import AGGREGATE_AUDIENCES, Codebook, default_codebook
from orchestration.landing.surveymonkey import (
    FORMULA_PREFIXES,
    LandingError,
    MappedRow,
    Problem,
    check_delimiter,
    looks_like_header,
    map_rows,
    parse_header,
    probe_file,
    read_records,
)

__all__ = ["LandingError", "LandingReport", "land_file", "target_from_path"]

ACTIONS = ("landed", "unchanged", "replaced", "rejected")
LOG_COLUMNS = ["landed_at", "export_file", "export_id", "edition_id", "audience", "action",
               "respondents", "answers", "quarantined", "message"]
QUARANTINE_SCHEMA = """export_id VARCHAR, export_file VARCHAR, row_number INTEGER,
    column_number INTEGER, column_name VARCHAR, raw_value VARCHAR, reason VARCHAR"""
FILE_NAME = re.compile(r"^(?P<edition>\d{4}(?:-\d{2})?)_(?P<audience>[a-z0-9]+)(?:_[^/]*)?\.csv$",
                       re.IGNORECASE)
EDITION = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2]))?$")
MANIFEST_SUFFIX = ".manifest.json"
# Manifest keys that only describe the file; anything else is reported as ignored.
MANIFEST_KEYS = {"edition_id", "audience", "is_synthetic"}
MANIFEST_INFO_KEYS = {"generator", "seed", "respondents", "note"}
MAX_ROW_MESSAGES = 20  # quarantine messages listed in the report; all are in the parquet file
CHUNK_ROWS = 20_000  # respondents buffered in Python before a parquet part is written
# DuckDB only streams parts into files here; without a limit it caches up to 80% of RAM.
DUCKDB_MEMORY_LIMIT = "256MB"


@dataclass
class LandingReport:
    """What one `land_file` call did; the same facts go to landing_log.csv."""

    action: str
    edition_id: str | None
    audience: str | None
    respondents: int = 0
    answers: int = 0
    quarantined: int = 0  # respondent rows quarantined (not cells)
    messages: list[str] = field(default_factory=list)
    export_id: str | None = None
    export_file: str = ""
    replaced_export_id: str | None = None


@dataclass(frozen=True)
class Target:
    edition_id: str
    audience: str
    is_synthetic: bool
    messages: tuple[str, ...] = ()

    @property
    def stem(self) -> str:
        return f"{self.edition_id}__{self.audience}"


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def target_from_path(path: Path, codebook: Codebook) -> Target:
    """Edition, audience and is_synthetic from the file name and/or its sidecar manifest.

    Both may be present; where both give a value they must agree (a disagreement means a file
    was renamed or mixed up, and guessing would land it under the wrong edition).
    """
    file = path.name
    named = FILE_NAME.match(file)
    from_name = ({"edition_id": named["edition"], "audience": named["audience"].lower()}
                 if named else {})
    manifest: dict = {}
    messages: list[str] = []
    sidecar = manifest_path(path)
    if sidecar.exists():
        try:
            manifest = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise LandingError(f"manifest {sidecar.name} is not readable JSON ({error})",
                               file=file) from None
        if not isinstance(manifest, dict):
            raise LandingError(f"manifest {sidecar.name} must be a JSON object", file=file)
        ignored = sorted(set(manifest) - MANIFEST_KEYS - MANIFEST_INFO_KEYS)
        if ignored:
            messages.append(f"{file}: manifest keys ignored: {', '.join(ignored)}")
    values = {}
    for key in ("edition_id", "audience"):
        named_value, manifest_value = from_name.get(key), manifest.get(key)
        if manifest_value is not None and not isinstance(manifest_value, str):
            raise LandingError(f"manifest {key} must be a string", file=file)
        if named_value and manifest_value and named_value != manifest_value:
            raise LandingError(f'the manifest says {key} "{manifest_value}" but the file name '
                               f'says "{named_value}"', file=file)
        values[key] = manifest_value or named_value
    if not values["edition_id"] or not values["audience"]:
        raise LandingError("cannot tell edition and audience: name the file "
                           "<edition_id>_<audience>[_anything].csv (e.g. 2021_business.csv) or "
                           f"add {file}{MANIFEST_SUFFIX}", file=file)
    edition, audience = values["edition_id"], values["audience"]
    if not EDITION.match(edition):
        raise LandingError(f'edition_id "{edition}" is neither YYYY nor YYYY-MM', file=file)
    respondent_audiences = sorted(codebook.audiences - AGGREGATE_AUDIENCES)
    if audience not in respondent_audiences:
        raise LandingError(f'unknown audience "{audience}" (known: '
                           f"{', '.join(respondent_audiences)})", file=file)
    synthetic = manifest.get("is_synthetic", False)
    if not isinstance(synthetic, bool):
        raise LandingError("manifest is_synthetic must be true or false", file=file)
    return Target(edition, audience, synthetic, tuple(messages))


def _literal(value: str) -> str:
    """A SQL string literal (COPY takes no parameters)."""
    return "'" + value.replace("'", "''") + "'"


def _paths(landed_dir: Path, target: Target) -> dict[str, Path]:
    return {kind: landed_dir / kind / f"{target.stem}.parquet"
            for kind in ("answers", "respondents", "quarantine")}


def current_export_ids(landed_dir: Path, target: Target) -> set[str]:
    """export_id(s) of what is landed now for this edition x audience (empty: nothing)."""
    paths = _paths(landed_dir, target)
    files = [str(paths[k]) for k in ("respondents", "quarantine") if paths[k].exists()]
    if not paths["respondents"].exists():
        return set()
    try:
        with duckdb.connect() as con:
            rows = con.execute("select distinct export_id from read_parquet(?)", [files]).fetchall()
    except duckdb.Error:
        return {"<unreadable>"}
    return {row[0] for row in rows}


def _counts(landed_dir: Path, target: Target) -> tuple[int, int, int]:
    """(respondents, answers, quarantined rows) of the landed files."""
    paths = _paths(landed_dir, target)
    with duckdb.connect() as con:
        def count(kind: str, what: str = "count(*)") -> int:
            return con.execute(f"select {what} from read_parquet(?)", [str(paths[kind])]).fetchone()[0]
        return count("respondents"), count("answers"), count("quarantine", "count(distinct row_number)")


def _log_cell(value) -> str:
    """Log cells that a spreadsheet would evaluate get a leading apostrophe (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def append_log(landed_dir: Path, report: LandingReport) -> None:
    """One line per call in landing_log.csv (header written when the file is new)."""
    log = landed_dir / "landing_log.csv"
    landed_dir.mkdir(parents=True, exist_ok=True)
    new = not log.exists()
    row = [datetime.now(timezone.utc).isoformat(timespec="seconds"), report.export_file,
           report.export_id, report.edition_id, report.audience, report.action,
           report.respondents, report.answers, report.quarantined, " | ".join(report.messages)]
    with log.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(LOG_COLUMNS)
        writer.writerow([_log_cell(v) for v in row])


def land_file(path: Path, landed_dir: Path, *, salt: str, codebook: Codebook | None = None,
              force: bool = False) -> LandingReport:
    """Land one export; see the module docstring. `force` re-lands an unchanged file (e.g.
    after adding label variants); `codebook` defaults to the repository's seeds."""
    path, landed_dir = Path(path), Path(landed_dir)
    codebook = codebook or default_codebook()
    report = LandingReport("rejected", None, None, export_file=path.name)
    try:
        _land(path, landed_dir, salt, codebook, force, report)
    except LandingError as error:
        report.action = "rejected"
        report.respondents = report.answers = report.quarantined = 0
        report.messages.append(error.message)
    append_log(landed_dir, report)
    return report


def _land(path: Path, landed_dir: Path, salt: str, codebook: Codebook, force: bool,
          report: LandingReport) -> None:
    file = path.name
    respondent_keyer(salt, "", "")  # refuse an empty salt before touching anything
    try:
        probe = probe_file(path, file)
    except OSError as error:
        raise LandingError(f"cannot read the file ({error.strerror})", file=file) from None
    report.export_id = probe.export_id
    if probe.rejection:
        raise LandingError(probe.rejection, file=file)
    target = target_from_path(path, codebook)
    report.edition_id, report.audience = target.edition_id, target.audience
    report.messages += [*probe.messages, *target.messages]

    previous = current_export_ids(landed_dir, target)
    if previous == {probe.export_id} and not force:
        report.action = "unchanged"
        report.respondents, report.answers, report.quarantined = _counts(landed_dir, target)
        report.messages.append(f"{file}: unchanged: export {probe.export_id} is already landed "
                               f"for {target.edition_id} {target.audience}; nothing rewritten")
        return

    with open(path, encoding=probe.encoding, newline="") as handle:
        check_delimiter(handle.read(1 << 16), file)
    landed_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".landing-", dir=landed_dir))
    try:
        with open(path, encoding=probe.encoding, newline="") as handle, duckdb.connect() as con:
            con.execute(f"set temp_directory = {_literal(str(staging))}")  # spills stay here
            con.execute(f"set memory_limit = {_literal(DUCKDB_MEMORY_LIMIT)}")
            con.execute("set enable_progress_bar = false")  # landing reports through its messages
            columns = _select_lists(file, target, probe.export_id)
            parts = _Parts(con, staging, columns)
            _read_into(con, handle, file, target, salt, codebook, report, parts)
            _write_outputs(con, landed_dir, staging, target, parts, columns)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    old = sorted(previous - {probe.export_id})
    if previous:
        report.action = "replaced"
        report.replaced_export_id = ", ".join(old) or probe.export_id
        report.messages.append(f"{file}: replaced export {report.replaced_export_id} of "
                               f"{target.edition_id} {target.audience}")
    else:
        report.action = "landed"


def _read_into(con: duckdb.DuckDBPyConnection, handle, file: str, target: Target, salt: str,
               codebook: Codebook, report: LandingReport, parts: "_Parts") -> None:
    """Parse and map the export; landed rows go to parquet parts in chunks (memory stays flat
    for million-row exports), quarantined cells to the DuckDB table quarantine_raw."""
    records = read_records(handle, file)
    row1 = next(records, (1, None))[1]
    row2 = next(records, (2, None))[1]
    layout = parse_header(row1 or [], row2, codebook, file)
    con.execute(f"create table quarantine_raw ({QUARANTINE_SCHEMA})")
    parts.codes = layout.codes  # grows while mapping (normalised label matches)
    key = respondent_keyer(salt, target.edition_id, target.audience)
    problems: list[Problem] = []
    quarantined_rows = 0
    for item in map_rows(_check_first(records, file), layout, codebook, file):
        if isinstance(item, int):
            report.messages.append(f"{file}, row {item}: blank line skipped")
            continue
        row: MappedRow = item
        if row.problems:
            quarantined_rows += 1
            problems += row.problems
            continue
        parts.add(key(row.respondent_id), row.language, row.codes)
    parts.flush()
    if problems:
        frame = pd.DataFrame(  # noqa: F841 (read by DuckDB below)
            [(None, file, p.row_number, p.column_number, p.column_name, p.raw_value, p.reason)
             for p in problems],
            columns=["export_id", "export_file", "row_number", "column_number", "column_name",
                     "raw_value", "reason"]).astype(object)
        con.execute("insert into quarantine_raw select * from frame")
    if parts.respondents == 0 and quarantined_rows == 0:
        raise LandingError("no respondent rows after the two header rows", file=file)
    report.respondents, report.answers = parts.respondents, parts.answers
    report.quarantined = quarantined_rows
    if layout.free_text_columns:
        plural = "s" if layout.free_text_columns > 1 else ""
        report.messages.append(f"{file}: {layout.free_text_columns} free-text (Open-Ended "
                               f"Response) column{plural} dropped")
    for problem in problems[:MAX_ROW_MESSAGES]:
        report.messages.append(problem.message(file))
    if len(problems) > MAX_ROW_MESSAGES:
        report.messages.append(f"{file}: {len(problems) - MAX_ROW_MESSAGES} more quarantined "
                               f"cells not listed (see quarantine/{target.stem}.parquet)")


def _check_first(records, file: str):
    """Pass records through, refusing a third header row (row 3 repeating header labels)."""
    for index, (line, fields) in enumerate(records):
        if index == 0 and looks_like_header(fields):
            raise LandingError("extra header row: it has no Respondent ID and repeats header "
                               "labels; SurveyMonkey exports have exactly two header rows",
                               file=file, row=line)
        yield line, fields


class _Parts:
    """Landed respondents and answers, written in order as numbered parquet parts.

    Each part already has the canonical columns, so the final files are a plain concatenation
    (no join, no sort: DuckDB keeps the scan order), and memory is bounded by CHUNK_ROWS.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, staging: Path, columns: dict[str, str]):
        self.con, self.staging, self.columns = con, staging, columns
        self.codes: list[tuple[str, str | None, str]] = []
        self.files: dict[str, list[Path]] = {"answers": [], "respondents": []}
        self.respondents = self.answers = 0
        self._reset()

    def _reset(self) -> None:
        self._keys: list[str] = []
        self._languages: list[str] = []
        self._answer_keys: list[str] = []
        self._answer_codes: list[int] = []

    def add(self, key: str, language: str, codes: list[int]) -> None:
        self._keys.append(key)
        self._languages.append(language)
        self._answer_keys.extend([key] * len(codes))
        self._answer_codes.extend(codes)
        if len(self._keys) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._keys:
            return
        table = self.codes
        codes = self._answer_codes
        answers = pd.DataFrame({  # noqa: F841 (read by DuckDB below)
            "respondent_key": self._answer_keys,
            "question_id": [table[c][0] for c in codes],
            "item_id": [table[c][1] for c in codes],
            "option_id": [table[c][2] for c in codes],
        })
        respondents = pd.DataFrame({"respondent_key": self._keys,  # noqa: F841
                                    "language": self._languages})
        number = len(self.files["answers"])
        for kind, frame_name in (("answers", "answers"), ("respondents", "respondents")):
            part = self.staging / f"{kind}-{number:06d}.parquet"
            self.con.execute(f"copy (select {self.columns[kind]} from {frame_name}) to "
                             f"{_literal(str(part))} (format parquet)")
            self.files[kind].append(part)
        self.respondents += len(self._keys)
        self.answers += len(codes)
        self._reset()


def _select_lists(file: str, target: Target, export_id: str) -> dict[str, str]:
    """The canonical column lists (names, order, types) of the three landed files."""
    edition = f"{_literal(target.edition_id)}::varchar as edition_id"
    audience = f"{_literal(target.audience)}::varchar as audience"
    synthetic = f"{'true' if target.is_synthetic else 'false'}::boolean as is_synthetic"
    export = f"{_literal(export_id)}::varchar as export_id"
    return {
        "answers": f"""respondent_key::varchar as respondent_key, {edition}, {audience},
            question_id::varchar as question_id, item_id::varchar as item_id,
            option_id::varchar as option_id, {synthetic}, {export}""",
        "respondents": f"""respondent_key::varchar as respondent_key, {edition}, {audience},
            language::varchar as language, {synthetic}, {export}""",
        "quarantine": f"""{export}, {_literal(file)}::varchar as export_file, row_number,
            column_number, column_name, raw_value, reason""",
    }


def _write_outputs(con: duckdb.DuckDBPyConnection, landed_dir: Path, staging: Path,
                   target: Target, parts: _Parts, columns: dict[str, str]) -> None:
    """Concatenate the parts into the three canonical files (temporary names in `staging`),
    then move them into place."""
    empty = ("select null as respondent_key, null as question_id, null as item_id, "
             "null as option_id, null as language where false")
    queries = {
        kind: (f"select * from read_parquet([{', '.join(_literal(str(p)) for p in parts.files[kind])}])"
               if parts.files[kind] else f"select {columns[kind]} from ({empty})")
        for kind in ("answers", "respondents")
    }
    queries["quarantine"] = (f"select {columns['quarantine']} from quarantine_raw "
                             "order by row_number, column_number")
    paths = _paths(landed_dir, target)
    staged = {}
    for kind, query in queries.items():
        paths[kind].parent.mkdir(parents=True, exist_ok=True)
        staged[kind] = staging / f"{kind}.parquet"  # same filesystem: os.replace is atomic
        con.execute(f"copy ({query}) to {_literal(str(staged[kind]))} (format parquet)")
    # respondents last: it records which export is landed (see the module docstring)
    for kind in ("quarantine", "answers", "respondents"):
        os.replace(staged[kind], paths[kind])
