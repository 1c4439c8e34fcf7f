"""Pseudonymous respondent keys and the salt they are keyed with (the columns of an export
that are never kept are listed by each format module: tendensen/landing/formats).

Why hash and not simply drop the Respondent ID: respondents must stay distinct (multi-choice
answers of one person, duplicates across re-exports) without anyone being able to look them up
in the survey tool. A salted SHA-256 does that as long as the salt stays secret: without the salt,
guessing respondent ids (11-digit SurveyMonkey Respondent IDs) and hashing them does not lead back to a row. The edition and
audience are part of the hashed text, so one person's keys cannot be linked across exports of
different editions or audiences.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path


def respondent_key(salt: str, edition_id: str, audience: str, respondent_id: str) -> str:
    """sha256(salt + edition_id + audience + Respondent ID), hex."""
    return respondent_keyer(salt, edition_id, audience)(respondent_id)


def respondent_keyer(salt: str, edition_id: str, audience: str) -> Callable[[str], str]:
    """`respondent_key` with the constant prefix hashed once (landing 1M rows hashes 1M ids).

    The result is identical to hashing the concatenation: SHA-256 is a streaming hash.
    """
    if not salt:
        raise ValueError("the salt must be a non-empty secret string")
    prefix = hashlib.sha256((salt + edition_id + audience).encode("utf-8"))

    def key(respondent_id: str) -> str:
        digest = prefix.copy()
        digest.update(respondent_id.encode("utf-8"))
        return digest.hexdigest()

    return key


def load_or_create_salt(path: Path) -> str:
    """The salt stored at `path`; created once (random, 0600) when the file does not exist.

    Keep the file out of git and out of the warehouse: whoever has it can re-identify
    respondents by hashing candidate Respondent IDs. Losing it changes every respondent_key
    on the next landing (the data stays correct, only the keys change). O_EXCL makes two
    processes racing to create it fail loudly instead of silently using different salts.
    """
    path = Path(path)
    if path.exists():
        salt = path.read_text(encoding="utf-8").strip()
        if not salt:
            raise ValueError(f"{path}: salt file is empty")
        return salt
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_hex(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(salt + "\n")
    os.chmod(path, 0o600)  # the umask may have removed bits, never added: make it exact
    return salt
