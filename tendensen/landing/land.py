"""`land_file`: one survey export in, canonical parquet files per edition x audience out.

The export's survey tool is recognised from its header rows (tendensen/landing/formats);
everything here is the same for every tool.

Layout under `landed_dir` (see docs/landing.md):

    answers/<edition_id>__<audience>.parquet      one row per chosen option
    respondents/<edition_id>__<audience>.parquet  every landed respondent (also silent ones)
    quarantine/<edition_id>__<audience>.parquet   offending cells of quarantined rows
    landing_log.csv                               one line per call, whatever happened
    export_stats.json                             size, mtime and inode of each hashed export (below)

Why one file per edition x audience, replaced whole: an export is always the complete set of
responses of a collector, so a newer export supersedes the older one; appending would double
count. Files are written to a temporary name beside the target and moved with os.replace
(atomic on one filesystem); respondents/ is replaced last and is the record of which export is
landed, so a crash half-way makes the next call land the file again instead of "unchanged".

Nothing of a rejected file is written except its log line. Nor of a held one: an export that
could land but looks worse than what it would replace (no respondent, more than
`MAX_QUARANTINED_SHARE` of its rows quarantined, fewer than `MIN_SHARE_OF_PREVIOUS` of the
landed export's respondents, a file cut inside a quoted cell) is "held" and the landed export
stays, until it is landed with `accept=True` (`python -m tendensen.landing accept FILE`).
Bad input never raises: it is reported as action "rejected" (whole file), "held", or as
quarantined rows; exceptions are left for programming errors. One lander at a time per landed_dir (the log append is not locked).

Unchanged exports are recognised without reading them again when their size, modification
time (nanoseconds) and inode are those recorded when they were last hashed and the export they
hashed to is the one landed: rsync's quick check. Hashing a 1 GB export takes seconds, and the
landing folder keeps every edition's export, so without it every run re-reads all of them.
As in git's "racy clean" rule, a file modified less than `QUICK_CHECK_SETTLE_NS` before it was
hashed is not trusted this way (a same-size rewrite within the file system's timestamp
granularity would look unchanged): it is hashed again. `force=True` re-hashes and re-lands.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import os
import re
import shlex
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from tendensen.files import replace_atomically
from tendensen.landing.anonymise import respondent_keyer
from tendensen.landing.body import Body, BodyLanding, Export, RecordsDisagree
from tendensen.landing.codebook import AGGREGATE_AUDIENCES, Codebook, default_codebook
from tendensen.landing.errors import FORMULA_PREFIXES, LandingError
from tendensen.landing.formats import HEADER_ROWS_AT_MOST, detect, tool_of
from tendensen.landing.formats.base import Diagnosis, ExportFormat
from tendensen.landing.layout import Layout
from tendensen.landing.probe import Probe, check_delimiter, probe_file, read_records
from tendensen.landing.records import canonical_copy
from tendensen.landing.salt import landing_id, records_landing_id
from tendensen.warehouse import literal

__all__ = ["LandingError", "LandingReport", "land_file", "target_from_path"]

ACTIONS = ("landed", "unchanged", "replaced", "rejected", "held", "withdrawn")
# When a landable export is held instead of landed (docs/landing.md, "Held exports"). A
# correct export quarantines a handful of rows at most; 5% is already one row in twenty, and
# an export that lost a fifth of its respondents is a filtered or partial one far more often
# than a survey whose respondents were deleted.
MAX_QUARANTINED_SHARE = 0.05  # of the export's respondent rows
MIN_SHARE_OF_PREVIOUS = 0.8  # respondents, against the landed export it would replace
ACCEPT_COMMAND = "python -m tendensen.landing accept"
LOG_COLUMNS = [
    "landed_at",
    "export_file",
    "export_id",
    "edition_id",
    "audience",
    "action",
    "respondents",
    "answers",
    "quarantined",
    "message",
]
FILE_NAME = re.compile(
    r"^(?P<edition>\d{4}(?:-\d{2})?)_(?P<audience>[a-z0-9]+)(?:_[^/]*)?\.csv$", re.IGNORECASE
)
EDITION = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2]))?$")
MANIFEST_SUFFIX = ".manifest.json"
# Manifest keys that only describe the file; anything else is reported as ignored.
MANIFEST_KEYS = {"edition_id", "audience", "is_synthetic"}
MANIFEST_INFO_KEYS = {"generator", "seed", "respondents", "note"}
_NUMBERS = {1: "one", 2: "two", 3: "three"}  # header rows, in messages
MAX_ROW_MESSAGES = 20  # quarantine messages listed in the report; all are in the parquet file
# Landing holds one small row per respondent (~250 bytes) and streams the rest; without a
# limit DuckDB would cache up to 80% of RAM. Beyond the limit it spills to the staging folder.
DUCKDB_MEMORY_LIMIT = "512MB"


def landed_stem(edition_id: str, audience: str) -> str:
    """The name of an edition x audience's landed files: `<edition_id>__<audience>`."""
    return f"{edition_id}__{audience}"


@dataclass
class LandingReport:
    """What one `land_file` call did; the same facts go to landing_log.csv."""

    action: str
    edition_id: str | None
    audience: str | None
    respondents: int = 0
    answers: int = 0
    quarantined: int = 0  # respondent rows quarantined (not cells)
    kept_apart: int = 0  # respondent rows kept apart by the format (unfinished responses)
    messages: list[str] = field(default_factory=list)
    export_id: str | None = None
    export_file: str = ""
    replaced_export_id: str | None = None
    outcome: str | None = None  # why it was held or rejected: one message, for summaries

    @property
    def stem(self) -> str:
        return landed_stem(self.edition_id, self.audience)


@dataclass(frozen=True)
class Target:
    edition_id: str
    audience: str
    is_synthetic: bool
    messages: tuple[str, ...] = ()

    @property
    def stem(self) -> str:
        return landed_stem(self.edition_id, self.audience)


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def target_from_path(path: Path, codebook: Codebook) -> Target:
    """Edition, audience and is_synthetic from the file name and/or its sidecar manifest.

    Both may be present; where both give a value they must agree (a disagreement means a file
    was renamed or mixed up, and guessing would land it under the wrong edition).
    """
    file = path.name
    named = FILE_NAME.match(file)
    from_name = {"edition_id": named["edition"], "audience": named["audience"].lower()} if named else {}
    manifest: dict = {}
    messages: list[str] = []
    sidecar = manifest_path(path)
    if sidecar.exists():
        try:
            manifest = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise LandingError(f"manifest {sidecar.name} is not readable JSON ({error})", file=file) from None
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
            raise LandingError(
                f'the manifest says {key} "{manifest_value}" but the file name says "{named_value}"',
                file=file,
            )
        values[key] = manifest_value or named_value
    if not values["edition_id"] or not values["audience"]:
        raise LandingError(
            "cannot tell edition and audience: name the file "
            "<edition_id>_<audience>[_anything].csv (e.g. 2021_business.csv) or "
            f"add {file}{MANIFEST_SUFFIX}",
            file=file,
        )
    edition, audience = values["edition_id"], values["audience"]
    if not EDITION.match(edition):
        raise LandingError(f'edition_id "{edition}" is neither YYYY nor YYYY-MM', file=file)
    if codebook.editions and edition not in codebook.editions:
        # landed anyway, its rows would fail the warehouse's relationship tests on every run
        raise LandingError(
            f'unknown edition "{edition}": add it to seeds/codebook/editions.csv '
            'first (see README, "Adding an edition")',
            file=file,
        )
    respondent_audiences = sorted(codebook.audiences - AGGREGATE_AUDIENCES)
    if audience not in respondent_audiences:
        raise LandingError(
            f'unknown audience "{audience}" (known: {", ".join(respondent_audiences)})', file=file
        )
    synthetic = manifest.get("is_synthetic", False)
    if not isinstance(synthetic, bool):
        raise LandingError("manifest is_synthetic must be true or false", file=file)
    return Target(edition, audience, synthetic, tuple(messages))


def _paths(landed_dir: Path, target: Target) -> dict[str, Path]:
    return {
        kind: landed_dir / kind / f"{target.stem}.parquet"
        for kind in ("answers", "respondents", "quarantine")
    }


def scratch_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on DuckDB's default in-memory database, for small reads of landed files.

    Opening a new in-memory database costs far more than a cursor, and every
    landing looks at every export already landed (bench/NOTES.md, "Timings once quoted in
    the code").
    Use it in a `with` block: the cursor is closed, the default database stays.
    """
    return duckdb.default_connection().cursor()


def current_export_ids(landed_dir: Path, target: Target) -> set[str]:
    """export_id(s) of what is landed now for this edition x audience (empty: nothing)."""
    paths = _paths(landed_dir, target)
    files = [str(paths[k]) for k in ("respondents", "quarantine") if paths[k].exists()]
    if not paths["respondents"].exists():
        return set()
    try:
        with scratch_cursor() as con:
            rows = con.execute("select distinct export_id from read_parquet(?)", [files]).fetchall()
    except duckdb.Error:
        return {"<unreadable>"}
    return {row[0] for row in rows}


def landed_respondents(landed_dir: Path, target: Target) -> int:
    """Respondents of the export landed for this edition x audience (0: none or nothing)."""
    path = _paths(landed_dir, target)["respondents"]
    if not path.exists():
        return 0
    try:
        with scratch_cursor() as con:
            return con.execute("select count(*) from read_parquet(?)", [str(path)]).fetchone()[0]
    except duckdb.Error:
        return 0  # unreadable: nothing good to protect by comparison (current_export_ids says so)


def _counts(landed_dir: Path, target: Target) -> tuple[int, int, int]:
    """(respondents, answers, quarantined rows) of the landed files."""
    paths = _paths(landed_dir, target)
    with scratch_cursor() as con:

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
    row = [
        datetime.now(timezone.utc).isoformat(timespec="seconds"),
        report.export_file,
        report.export_id,
        report.edition_id,
        report.audience,
        report.action,
        report.respondents,
        report.answers,
        report.quarantined,
        " | ".join(report.messages),
    ]
    with log.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(LOG_COLUMNS)
        writer.writerow([_log_cell(v) for v in row])


QUICK_CHECK_FILE = "export_stats.json"
QUICK_CHECK_SETTLE_NS = 2_000_000_000


def _file_stat(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def _stat_record(path: Path) -> dict | None:
    """(size, mtime, inode) and when they were read; None if the file cannot be read."""
    try:
        return {"stat": _file_stat(path), "stat_at_ns": time.time_ns()}
    except OSError:
        return None


def _quick_checks(landed_dir: Path) -> dict:
    try:
        return json.loads((landed_dir / QUICK_CHECK_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or unreadable: every export is simply hashed again


def remembered_export_id(landed_dir: Path, path: Path) -> str | None:
    """The export_id `path` hashed to, if its size, mtime and inode are unchanged since then
    and it had settled (`QUICK_CHECK_SETTLE_NS`) when it was hashed."""
    entry = _quick_checks(landed_dir).get(path.name)
    try:
        unchanged = entry is not None and entry["stat"] == _file_stat(path)
        settled = unchanged and entry["stat_at_ns"] - entry["stat"][1] >= QUICK_CHECK_SETTLE_NS
    except (OSError, KeyError, IndexError, TypeError):
        return None
    return entry["export_id"] if settled else None


def remember_export_id(landed_dir: Path, path: Path, stat: dict | None, export_id: str) -> None:
    """Record `stat` (`_stat_record`, taken before hashing) of the file hashed to export_id."""
    if stat is None:
        return
    checks = _quick_checks(landed_dir)
    checks[path.name] = {**stat, "export_id": export_id}
    replace_atomically(landed_dir / QUICK_CHECK_FILE, json.dumps(checks, indent=1, sort_keys=True))


def forget_export(landed_dir: Path, name: str) -> None:
    """Drop the quick-check record of the export file `name` (withdrawn: moved away)."""
    checks = _quick_checks(landed_dir)
    if checks.pop(name, None) is not None:
        replace_atomically(landed_dir / QUICK_CHECK_FILE, json.dumps(checks, indent=1, sort_keys=True))


def land_file(
    path: Path,
    landed_dir: Path,
    *,
    salt: str,
    codebook: Codebook | None = None,
    force: bool = False,
    accept: bool = False,
) -> LandingReport:
    """Land one export; see the module docstring. `force` re-lands an unchanged file (e.g.
    after adding label variants); `accept` lands an export that would be held (`hold_reasons`);
    `codebook` defaults to the repository's seeds."""
    path, landed_dir = Path(path), Path(landed_dir)
    codebook = codebook or default_codebook()
    report = LandingReport("rejected", None, None, export_file=path.name)
    try:
        _land(path, landed_dir, salt, codebook, force, accept, report)
    except LandingError as error:
        report.action = "rejected"
        report.respondents = report.answers = report.quarantined = 0
        report.messages.append(error.message)
        report.outcome = error.message
    append_log(landed_dir, report)
    return report


def _land(
    path: Path,
    landed_dir: Path,
    salt: str,
    codebook: Codebook,
    force: bool,
    accept: bool,
    report: LandingReport,
) -> None:
    respondent_keyer(salt, "", "")  # refuse an empty salt before touching anything
    landed_dir.mkdir(parents=True, exist_ok=True)
    # the PID lets the next run tell a killed landing's folder from one in use (faults.py)
    staging = Path(tempfile.mkdtemp(prefix=f".landing-{os.getpid()}-", dir=landed_dir))
    try:
        _land_via(staging, path, landed_dir, salt, codebook, force, accept, report)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _land_via(
    staging: Path,
    path: Path,
    landed_dir: Path,
    salt: str,
    codebook: Codebook,
    force: bool,
    accept: bool,
    report: LandingReport,
) -> None:
    """Land through the temporary folder `staging` (DuckDB's spill files, staged parquet).

    Hashing and indexing the file (`probe_file`, Python) and reading its body (DuckDB) are
    each one pass over the file; they run at the same time, in two threads, when the name,
    the manifest and a UTF-8 header already tell how the body will be read (`_EarlyRead`).
    Checks are still reported in this order: file readable and not empty, name/manifest,
    unchanged, delimiter, header, body.
    """
    file = path.name
    try:
        target, target_error = target_from_path(path, codebook), None
    except LandingError as error:
        target, target_error = None, error
    previous = current_export_ids(landed_dir, target) if target else set()
    # landed before the files recorded their salt (landing_id): land again, once, to add it
    force = force or (bool(previous) and not records_landing_id(_paths(landed_dir, target)["respondents"]))
    if target is not None and not force and len(previous) == 1:
        remembered = remembered_export_id(landed_dir, path)
        if remembered is not None and previous == {remembered}:
            report.export_id = remembered
            report.edition_id, report.audience = target.edition_id, target.audience
            _report_unchanged(
                report, landed_dir, target, file, " (size, modification time and inode as when it was hashed)"
            )
            return
    stat = _stat_record(path)  # before hashing: a change while hashing shows next time
    early = _EarlyRead(previous, force)
    probing = _Probing(path, file, early.probed)
    if target is not None:
        early.run(path, file, codebook, staging, salt + target.edition_id + target.audience)
    try:
        try:
            probe = probing.result()
        except OSError as error:
            raise LandingError(f"cannot read the file ({error.strerror})", file=file) from None
        report.export_id = probe.export_id
        if probe.rejection:
            raise LandingError(probe.rejection, file=file)
        if target_error:
            raise target_error
        report.edition_id, report.audience = target.edition_id, target.audience
        report.messages += [*probe.messages, *target.messages]

        if previous == {probe.export_id} and not force:
            _report_unchanged(report, landed_dir, target, file)
            remember_export_id(landed_dir, path, stat, probe.export_id)
            return

        with open(path, encoding=probe.encoding, newline="") as handle:
            check_delimiter(handle.read(1 << 16), file, tool_of)
        with open(path, encoding=probe.encoding, newline="") as handle:
            export_format, layout = _read_header(handle, file, codebook)
        staged = {kind: str(staging / f"{kind}.parquet") for kind in ("answers", "respondents", "quarantine")}
        export = Export(
            file,
            probe.export_id,
            target.edition_id,
            target.audience,
            target.is_synthetic,
            landing_id(probe.export_id, salt),
        )
        body = _land_body(
            path,
            probe,
            layout,
            codebook,
            export,
            salt + target.edition_id + target.audience,
            staging,
            staged,
            early.body if early.fits(probe) else None,
        )
    finally:
        early.close()
    _report_body(report, body, layout, file, target)
    diagnoses = export_setting_diagnoses(
        staged["quarantine"], body.quarantined, file, export_format.diagnoses
    )
    report.messages += diagnoses
    reasons = hold_reasons(
        body, landed_respondents(landed_dir, target) if previous else None, probe.ends_inside_quotes
    )
    remember_export_id(landed_dir, path, stat, probe.export_id)
    if reasons and not accept:
        _report_held(report, path, reasons, diagnoses, previous, target)
        return
    if reasons:
        report.messages.append(f"{file}: accepted although {'; '.join(reasons)}")
    paths = _paths(landed_dir, target)
    for kind in ("quarantine", "answers", "respondents"):  # respondents last: see above
        paths[kind].parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged[kind], paths[kind])  # same filesystem: atomic
    old = sorted(previous - {probe.export_id})
    if previous:
        report.action = "replaced"
        report.replaced_export_id = ", ".join(old) or probe.export_id
        report.messages.append(
            f"{file}: replaced export {report.replaced_export_id} of {target.edition_id} {target.audience}"
        )
    else:
        report.action = "landed"


def hold_reasons(body: Body, previous_respondents: int | None, ends_inside_quotes: bool) -> list[str]:
    """Why this export must not replace what is landed (empty: it may). `previous_respondents`
    is None when nothing is landed for its edition x audience."""
    reasons = []
    if ends_inside_quotes:
        reasons.append(
            "the file ends inside a quoted cell: it is truncated (an interrupted "
            "download or copy?); download the export again"
        )
    rows = body.respondents + body.quarantined
    if body.respondents == 0:
        reasons.append(f"no landable respondent: all {body.quarantined} rows are quarantined")
    elif body.quarantined > MAX_QUARANTINED_SHARE * rows:
        reasons.append(
            f"{body.quarantined} of {rows} respondent rows quarantined "
            f"({100 * body.quarantined / rows:.0f}%, more than "
            f"{100 * MAX_QUARANTINED_SHARE:.0f}%)"
        )
    if previous_respondents and 0 < body.respondents < MIN_SHARE_OF_PREVIOUS * previous_respondents:
        reasons.append(
            f"{body.respondents} respondents against {previous_respondents} in the "
            f"landed export it would replace (fewer than "
            f"{100 * MIN_SHARE_OF_PREVIOUS:.0f}%: a filtered or partial export?)"
        )
    return reasons


def _report_held(
    report: LandingReport,
    path: Path,
    reasons: list[str],
    diagnoses: list[str],
    previous: set[str],
    target: Target,
) -> None:
    report.action = "held"
    kept = (
        f"The landed export {', '.join(sorted(previous))} of {target.edition_id} {target.audience} stays"
        if previous
        else f"Nothing is landed for {target.edition_id} {target.audience}"
    )
    report.outcome = (
        f"{path.name}: held, not landed: {'; '.join(reasons)}. {kept}. "
        + (f"Likely cause: {' '.join(d.split(': ', 1)[1] for d in diagnoses)} " if diagnoses else "")
        + f"To land it anyway: {ACCEPT_COMMAND} {shlex.quote(str(path))}, then "
        "rebuild (make accept EXPORT=<file> does both)"
    )
    report.messages.append(report.outcome)


def export_setting_diagnoses(
    quarantine: str, quarantined_rows: int, file: str, diagnoses: tuple[Diagnosis, ...]
) -> list[str]:
    """Messages naming the export setting to change, from the staged quarantine file: the
    format's `diagnoses` whose symptom concerns at least half of the quarantined rows (or of
    their own base)."""
    if quarantined_rows == 0 or not diagnoses:
        return []
    counts = ", ".join(f"{d.count_sql}, {d.base_sql or quarantined_rows}" for d in diagnoses)
    with scratch_cursor() as con:
        found = con.execute(f"select {counts} from read_parquet(?)", [quarantine]).fetchone()
    return [
        f"{file}: {diagnosis.message}"
        for diagnosis, count, base in zip(diagnoses, found[::2], found[1::2], strict=True)
        if count and count * 2 >= base
    ]


def _report_unchanged(
    report: LandingReport, landed_dir: Path, target: Target, file: str, how: str = ""
) -> None:
    report.action = "unchanged"
    report.respondents, report.answers, report.quarantined = _counts(landed_dir, target)
    report.messages.append(
        f"{file}: unchanged{how}: export {report.export_id} is already "
        f"landed for {target.edition_id} {target.audience}; nothing rewritten"
    )


class _Probing:
    """`probe_file` in a background thread; `done(probe or None)` is called when it ends."""

    def __init__(self, path: Path, file: str, done):
        self._probe: Probe | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(path, file, done), daemon=True)
        self._thread.start()

    def _run(self, path: Path, file: str, done) -> None:
        try:
            self._probe = probe_file(path, file, tool_of)
        except BaseException as error:  # noqa: BLE001 (re-raised by result())
            self._error = error
        done(self._probe)

    def result(self) -> Probe:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._probe


class _EarlyRead:
    """Step 1 of the body (DuckDB reading every row, body.py) started before the file has been
    hashed: with the header read as UTF-8, as it will be read unless the probe says otherwise.
    Used only if the probe agrees (`fits`); stopped as soon as it cannot be (e.g. the export
    turns out to be landed already)."""

    def __init__(self, previous: set[str], force: bool):
        self.previous, self.force = previous, force
        self.body: BodyLanding | None = None  # set once step 1 has run to the end
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stopped = threading.Event()
        self._lock = threading.Lock()

    def fits(self, probe: Probe) -> bool:
        return (
            probe.rejection is None
            and probe.encoding in ("utf-8", "utf-8-sig")
            and probe.records is not None
            and (self.force or self.previous != {probe.export_id})
        )

    def probed(self, probe: Probe | None) -> None:  # in the probe's thread
        if probe is None or not self.fits(probe):
            with self._lock:
                self._stopped.set()
                if self._con is not None:
                    self._con.interrupt()

    def run(self, path: Path, file: str, codebook: Codebook, staging: Path, key_prefix: str) -> None:
        try:
            with open(path, "rb") as handle:
                encoding = "utf-8-sig" if handle.read(3) == codecs.BOM_UTF8 else "utf-8"
            with open(path, encoding=encoding, newline="") as handle:
                check_delimiter(handle.read(1 << 16), file, tool_of)
                handle.seek(0)
                _, layout = _read_header(handle, file, codebook)
        except (LandingError, OSError, UnicodeDecodeError):
            return  # reported in order once the probe is done
        with self._lock:
            if self._stopped.is_set():
                return
            self._con = _connect(staging)
        body = BodyLanding(self._con, path, layout, key_prefix)
        try:
            body.read()
        except duckdb.Error:
            return  # interrupted, or a file DuckDB cannot read as it is: see _land_body
        if not self._stopped.is_set():
            self.body = body

    def close(self) -> None:
        with self._lock:
            self._stopped.set()
            if self._con is not None:
                self._con.close()
                self._con = None


def _read_header(handle, file: str, codebook: Codebook) -> tuple[ExportFormat, Layout]:
    """The export's format, recognised from its first records, and its header rows checked
    against the codebook (with the first rows after them: no extra header row, no wrong
    export setting)."""
    records = read_records(handle, file)
    head = list(itertools.islice(records, HEADER_ROWS_AT_MOST))
    export_format = detect([fields for _, fields in head], file)
    rows: list[list[str] | None] = [fields for _, fields in head[: export_format.header_rows]]
    rows += [None] * (export_format.header_rows - len(rows))
    layout = export_format.parse_header(rows, codebook, file)
    sample = head[export_format.header_rows :]
    sample += itertools.islice(records, max(0, export_format.sample_rows - len(sample)))
    export_format.check_first_rows(layout, sample, file)
    return export_format, layout


def _connect(staging: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"set temp_directory = {literal(str(staging))}")  # spills stay here
    con.execute(f"set memory_limit = {literal(DUCKDB_MEMORY_LIMIT)}")
    # one thread: rows stay in file order without sorting (see body.py)
    con.execute("set threads = 1")
    con.execute("set preserve_insertion_order = false")
    con.execute("set enable_progress_bar = false")  # landing reports through its messages
    return con


def _land_body(
    path: Path,
    probe: Probe,
    layout: Layout,
    codebook: Codebook,
    export: Export,
    key_prefix: str,
    staging: Path,
    outputs: dict[str, str],
    early: BodyLanding | None,
) -> Body:
    """DuckDB reads the export itself when its records are indexed (plain UTF-8 CSV); else,
    or when DuckDB reads it differently, a canonical UTF-8 copy written by the csv module.
    `early`: step 1 already done on the export itself (see _EarlyRead)."""
    if probe.records is not None:
        try:
            if early is not None:
                return early.finish(probe.records, codebook, export, outputs, MAX_ROW_MESSAGES)
            with _connect(staging) as con:
                body = BodyLanding(con, path, layout, key_prefix)
                body.read()
                return body.finish(probe.records, codebook, export, outputs, MAX_ROW_MESSAGES)
        except (RecordsDisagree, duckdb.InvalidInputException):
            pass  # e.g. a field DuckDB splits differently: let the csv module read the file
    with open(path, encoding=probe.encoding, newline="") as handle:
        records = canonical_copy(read_records(handle, export.file), staging / "canonical.csv")
    with _connect(staging) as con:
        body = BodyLanding(con, records.path, layout, key_prefix)
        try:
            body.read()
            return body.finish(records, codebook, export, outputs, MAX_ROW_MESSAGES)
        except duckdb.InvalidInputException:  # no cell values in messages: not DuckDB's text
            raise LandingError("not readable as CSV", file=export.file) from None


def _report_body(report: LandingReport, body: Body, layout: Layout, file: str, target: Target) -> None:
    for line in body.blank_lines:
        report.messages.append(f"{file}, row {line}: blank line skipped")
    if body.respondents == 0 and body.quarantined == 0 and body.kept_apart == 0:
        raise LandingError(
            f"no respondent rows after the {_NUMBERS.get(layout.header_rows, layout.header_rows)} "
            "header rows",
            file=file,
        )
    report.respondents, report.answers = body.respondents, body.answers
    report.quarantined, report.kept_apart = body.quarantined, body.kept_apart
    if layout.free_text_columns:
        plural = "s" if layout.free_text_columns > 1 else ""
        report.messages.append(
            f"{file}: {layout.free_text_columns} {layout.free_text_name} column{plural} dropped"
        )
    if body.kept_apart:
        rows = ", ".join(map(str, body.kept_apart_lines))
        more = ", ..." if body.kept_apart > len(body.kept_apart_lines) else ""
        report.messages.append(
            f"{file}: {body.kept_apart} respondent row(s) kept apart, not landed and not counted "
            f"in the shares: {layout.keep_apart.reason} (rows {rows}{more})"
        )
    for problem in body.problems:
        report.messages.append(problem.message(file))
    if body.n_problems > MAX_ROW_MESSAGES:
        report.messages.append(
            f"{file}: {body.n_problems - MAX_ROW_MESSAGES} more quarantined "
            f"cells not listed (see quarantine/{target.stem}.parquet)"
        )
