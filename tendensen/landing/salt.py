"""The respondent salt: where it lives, and the check that the landed data was keyed with it.

The salt lives outside the data folder (`tendensen.settings.salt_path`): a copy or backup
of `data/` must not carry the key that re-identifies its respondents, and `make clean` must not
re-key everyone. Every landed file records the salt it was keyed with as the fingerprint in its
`landing_id` (`<export_id>:<fingerprint>`, also what dbt compares, so that `dbt` by hand needs
no variable). If the salt at hand is not the one the landed files were keyed with (the file
was lost, or TENDENSEN_SALT_FILE points elsewhere), landing more exports would silently give
the same respondents new keys: `respondent_salt` refuses instead and says what to do.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb

from tendensen.landing.anonymise import load_or_create_salt


class SaltProblem(Exception):
    """The salt cannot be used for the landed data; the message says what to do."""


def salt_fingerprint(salt: str) -> str:
    """A short, irreversible fingerprint of a salt (12 hex digits of its sha256)."""
    return hashlib.sha256(salt.strip().encode("utf-8")).hexdigest()[:12]


def landing_id(export_id: str, salt: str) -> str:
    """The export as landed with this salt: a new salt re-keys every respondent."""
    return f"{export_id}:{salt_fingerprint(salt)}"


def records_landing_id(file: Path) -> bool:
    """Whether a landed file has the `landing_id` column (files landed before it existed do not)."""
    try:
        with duckdb.connect() as con:
            return (
                con.execute(
                    "select count(*) from parquet_schema(?) where name = 'landing_id'", [str(file)]
                ).fetchone()[0]
                > 0
            )
    except duckdb.Error:
        return True  # unreadable: current_export_ids already treats it as a different export


def landed_fingerprints(landed_dir: Path) -> dict[str, set[str]]:
    """Salt fingerprint -> landed respondents files keyed with it (files landed before the
    landing recorded it are left out)."""
    by_fingerprint: dict[str, set[str]] = {}
    with duckdb.connect() as con:
        for file in sorted((landed_dir / "respondents").glob("*.parquet")):
            if not records_landing_id(file):
                continue
            try:
                ids = con.execute("select distinct landing_id from read_parquet(?)", [str(file)]).fetchall()
            except duckdb.Error:
                continue  # unreadable: the landing replaces it or says so
            for (value,) in ids:
                if value and ":" in value:
                    by_fingerprint.setdefault(value.rsplit(":", 1)[1], set()).add(file.name)
    return by_fingerprint


def respondent_salt(
    path: Path, landed_dir: Path, legacy_path: Path | None = None, say: Callable[[str], None] = print
) -> str:
    """The salt at `path`, created on the first run (and said so), after checking that the
    landed data was keyed with it. `legacy_path`: where earlier versions kept it (in the data
    folder); moved to `path` once."""
    path = Path(path)
    if legacy_path is not None and legacy_path.exists() and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.copy2(legacy_path, path)
        os.chmod(path, 0o600)
        legacy_path.unlink()
        say(
            f"Moved the respondent salt from {legacy_path} to {path} (outside the data folder, so "
            "that copies of data/ do not carry it and `make clean` keeps it)."
        )
    landed = landed_fingerprints(landed_dir)
    if not path.exists():
        if landed:
            raise SaltProblem(_missing(path, landed_dir, landed))
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        salt = load_or_create_salt(path)
        say(
            f"Created the respondent salt {path} (fingerprint {salt_fingerprint(salt)}): the secret "
            "that turns Respondent IDs into pseudonymous keys. Back it up apart from the data and "
            "keep it private: losing it gives every respondent a new key; whoever has it can "
            "re-identify respondents. Another location: set TENDENSEN_SALT_FILE."
        )
        return salt
    salt = load_or_create_salt(path)
    others = {
        fingerprint: files for fingerprint, files in landed.items() if fingerprint != salt_fingerprint(salt)
    }
    if others:
        raise SaltProblem(_mismatch(path, salt, landed_dir, others))
    return salt


def _files(landed: dict[str, set[str]]) -> str:
    return "; ".join(
        f"fingerprint {fingerprint}: {', '.join(sorted(files))}"
        for fingerprint, files in sorted(landed.items())
    )


def _rekey_advice(landed_dir: Path) -> str:
    return (
        f"To give every respondent a new key on purpose, delete {landed_dir} and run again: "
        "every export still in the landing folder is landed again with the present salt."
    )


def _missing(path: Path, landed_dir: Path, landed: dict[str, set[str]]) -> str:
    return (
        f"The respondent salt {path} does not exist, but {landed_dir} holds exports keyed "
        f"with a salt ({_files(landed)}). Restore that salt file to {path} (or set "
        "TENDENSEN_SALT_FILE to where it is); a new salt would give the same respondents "
        f"new keys. {_rekey_advice(landed_dir)}"
    )


def _mismatch(path: Path, salt: str, landed_dir: Path, others: dict[str, set[str]]) -> str:
    return (
        f"The respondent salt {path} (fingerprint {salt_fingerprint(salt)}) is not the salt "
        f"that exports in {landed_dir} were keyed with ({_files(others)}): landing with it "
        "would give the same respondents new keys. Put the right salt file back (or set "
        f"TENDENSEN_SALT_FILE to it). {_rekey_advice(landed_dir)}"
    )
