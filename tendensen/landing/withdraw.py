"""Withdrawing a landed export: `python -m tendensen.landing withdraw 2027_business`.

Deleting an export from the landing folder does not withdraw it (the landed Parquet stays,
and with it every row built from it): withdrawing is explicit. The export file (and its
manifest) moves out of the landing folder, to `withdrawn_dir`, so that the next run does not
land it again; then the landed files of its edition x audience are deleted, respondents last
(the respondents and quarantine files are the record of what is landed, as in land.py), and
the landing log says so. The next build removes its rows from every model
(macros/new_exports_only.sql: a model holds exactly the landed exports). Running it again
after an interruption finishes the job.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

from tendensen.landing.codebook import Codebook
from tendensen.landing.folder import export_files
from tendensen.landing.land import (
    EDITION,
    LandingError,
    LandingReport,
    Target,
    append_log,
    current_export_ids,
    forget_export,
    landed_stem,
    manifest_path,
    target_from_path,
)

SLOT = re.compile(r"^(?P<edition>[0-9]{4}(?:-[0-9]{2})?)(?:_{1,2}| +)(?P<audience>[a-z0-9]+)$")


class WithdrawError(ValueError):
    """Nothing to withdraw, or a slot that is not `<edition_id>_<audience>`."""


def parse_slot(text: str) -> tuple[str, str]:
    """`2027_business`, `2027__business` or `2027 business` -> ("2027", "business")."""
    match = SLOT.match(text.strip())
    if not match or not EDITION.match(match["edition"]):
        raise WithdrawError(f'"{text}" is not <edition_id>_<audience>, e.g. 2027_business')
    return match["edition"], match["audience"]


def _exports_of(slot: tuple[str, str], landing_dir: Path, codebook: Codebook) -> list[Path]:
    found = []
    for path in export_files(landing_dir):
        try:
            target = target_from_path(path, codebook)
        except LandingError:
            continue
        if (target.edition_id, target.audience) == slot:
            found.append(path)
    return found


def _move_away(path: Path, withdrawn_dir: Path) -> Path:
    """Move `path` into withdrawn_dir, never over an earlier withdrawn file of the same name."""
    withdrawn_dir.mkdir(parents=True, exist_ok=True)
    target = withdrawn_dir / path.name
    if target.exists():
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = withdrawn_dir / f"{stamp}_{path.name}"
    shutil.move(str(path), str(target))
    return target


def withdraw(
    slot: tuple[str, str], landing_dir: Path, landed_dir: Path, withdrawn_dir: Path, codebook: Codebook
) -> list[str]:
    """Withdraw the export of `slot` (edition_id, audience); the messages say what was done."""
    edition_id, audience = slot
    stem = landed_stem(edition_id, audience)
    exports = _exports_of(slot, landing_dir, codebook)
    landed = [landed_dir / kind / f"{stem}.parquet" for kind in ("answers", "quarantine", "respondents")]
    export_ids = current_export_ids(landed_dir, Target(edition_id, audience, False))
    if not exports and not any(path.exists() for path in landed):
        raise WithdrawError(
            f"nothing to withdraw for {edition_id} {audience}: no export of it in "
            f"{landing_dir} and nothing landed in {landed_dir}"
        )
    messages = []
    for path in exports:  # first: the next run must not land them again
        for file in (path, manifest_path(path)):
            if file.exists():
                moved = _move_away(file, withdrawn_dir)
                messages.append(f"{file.name}: moved to {moved}")
        forget_export(landed_dir, path.name)
    for path in landed:  # respondents last: they record what is landed
        if path.exists():
            path.unlink()
            messages.append(f"{path.relative_to(landed_dir)}: deleted")
    report = LandingReport(
        "withdrawn",
        edition_id,
        audience,
        export_file=", ".join(path.name for path in exports),
        export_id=", ".join(sorted(export_ids)) or None,
    )
    report.messages.append(
        f"{edition_id} {audience}: withdrawn (export "
        f"{report.export_id or 'none landed'}); the next build removes its rows"
    )
    append_log(landed_dir, report)
    return [*messages, *report.messages]
