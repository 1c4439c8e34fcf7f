"""The landing folder as a whole: which files are exports, which slots (edition x audience)
they fill, and what is said about everything else. `land_file` lands one file; this decides
which files it is given.

- One export per edition x audience: two files for the same slot are a conflict. Neither is
  landed (the landed export stays) and both are named; the order of the file names never
  decides which one wins.
- An export is a regular file (or a link to one) whose name ends in `.csv`, in any case
  (`.CSV` too). A directory, named pipe, device or dangling link named `*.csv`, and a
  spreadsheet or archive where an export was expected, get one line each: never silently skipped.
- A slot that is landed but whose export is no longer in the folder stays published, and is
  said so with the command that withdraws it (`python -m tendensen.landing withdraw`).
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path

from tendensen.landing.codebook import Codebook
from tendensen.landing.land import (
    MANIFEST_SUFFIX,
    LandingError,
    LandingReport,
    Target,
    append_log,
    current_export_ids,
    target_from_path,
)

WITHDRAW_COMMAND = "python -m tendensen.landing withdraw"
# What people drop in the landing folder instead of the CSV export, and what to do instead.
NOT_AN_EXPORT = {
    ".xlsx": "an Excel workbook",
    ".xls": "an Excel workbook",
    ".zip": "a ZIP archive",
    ".sav": "an SPSS file",
    ".pdf": "a PDF",
    ".tsv": "a tab-separated file",
    ".txt": "a text file",
}


@dataclass
class FolderScan:
    """The exports to land, and what will not be landed, with one message each."""

    exports: list[Path] = field(default_factory=list)  # by name; no two for one known slot
    conflicts: dict[tuple[str, str], list[Path]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # one line per entry that is not an export


def is_export_name(name: str) -> bool:
    return name.lower().endswith(".csv") and not name.startswith(".")


def export_files(folder: Path) -> list[Path]:
    """Regular files (or links to one) named `*.csv` in any case, by name."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if is_export_name(path.name) and path.is_file())


def _odd_entry(path: Path) -> str | None:
    """One line about an entry of the landing folder that is not an export (None: it is one,
    or a manifest, or hidden)."""
    name = path.name
    if name.startswith(".") or name.endswith(MANIFEST_SUFFIX):
        return None
    if is_export_name(name):
        if path.is_symlink() and not path.exists():
            return (
                f"{name}: not landed: a symbolic link to {path.readlink()}, which does not "
                "exist; copy the export itself here"
            )
        if path.is_dir():
            return f"{name}: not landed: a directory, not an export file"
        if not path.is_file():
            kind = "a named pipe (FIFO)" if stat.S_ISFIFO(path.stat().st_mode) else "not a regular file"
            return f"{name}: not landed: {kind}; copy the export here as a regular file"
        return None
    what = NOT_AN_EXPORT.get(path.suffix.lower())
    if what:
        return (
            f"{name}: not landed: {what}; exports are CSV files: in SurveyMonkey choose "
            "All responses data, File format CSV (docs/landing.md, section 1); in Qualtrics "
            'Export data, CSV, "Use choice text" (section 11)'
        )
    return f"{name}: not landed: not a .csv file"


def scan_landing_folder(folder: Path, codebook: Codebook) -> FolderScan:
    scan = FolderScan()
    if not folder.is_dir():
        return scan
    slots: dict[tuple[str, str], list[Path]] = {}
    for path in sorted(folder.iterdir()):
        note = _odd_entry(path)
        if note:
            scan.notes.append(note)
        elif is_export_name(path.name) and path.is_file():
            try:
                target = target_from_path(path, codebook)
            except LandingError:
                scan.exports.append(path)  # land_file rejects it, saying why
                continue
            slots.setdefault((target.edition_id, target.audience), []).append(path)
    for slot, paths in slots.items():
        if len(paths) > 1:
            scan.conflicts[slot] = paths
        else:
            scan.exports.extend(paths)
    scan.exports.sort()
    return scan


def conflict_reports(slot: tuple[str, str], paths: list[Path], landed_dir: Path) -> list[LandingReport]:
    """One held report (and log line) per file of a conflict: nothing of them is landed."""
    edition_id, audience = slot
    landed = current_export_ids(landed_dir, Target(edition_id, audience, False))
    kept = (
        f"the landed export {', '.join(sorted(landed))} stays"
        if landed
        else f"nothing is landed for {edition_id} {audience}"
    )
    names = " and ".join(path.name for path in paths)
    reports = []
    for path in paths:
        report = LandingReport("held", edition_id, audience, export_file=path.name)
        report.outcome = (
            f"{path.name}: held, not landed: conflict: {names} are all exports of "
            f"{edition_id} {audience}, and each edition and audience has one "
            f"export; none of them was landed and {kept}. Keep the right one in "
            f"{path.parent} and move the others out of it"
        )
        report.messages.append(report.outcome)
        append_log(landed_dir, report)
        reports.append(report)
    return reports


def landed_slots(landed_dir: Path) -> set[tuple[str, str]]:
    """(edition_id, audience) of every landed export (its respondents or quarantine file)."""
    stems = {
        path.stem for kind in ("respondents", "quarantine") for path in (landed_dir / kind).glob("*.parquet")
    }
    return {tuple(stem.split("__", 1)) for stem in stems if "__" in stem}


def unlisted_landings(landed_dir: Path, scan: FolderScan, codebook: Codebook) -> list[str]:
    """Landed slots with no export in the landing folder: they stay published; say how to
    withdraw them."""
    present = set(scan.conflicts)
    for path in scan.exports:
        try:
            target = target_from_path(path, codebook)
        except LandingError:
            continue
        present.add((target.edition_id, target.audience))
    return [
        f"{edition_id} {audience}: landed, but no export of it is in the landing folder: it "
        f"stays in the warehouse; to remove it: {WITHDRAW_COMMAND} {edition_id}_{audience}"
        for edition_id, audience in sorted(landed_slots(landed_dir) - present)
    ]
