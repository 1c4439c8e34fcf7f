"""Has the dbt project changed since this warehouse's last full build?

The landing sensor adds new exports with `add_landed_exports`, which rebuilds only what the
landed data feeds (orchestration/defs/jobs.py). That is right only if everything else (seeds,
codebook models, macros) is as the last full build left it: a new edition usually comes
with a new row in seeds/editions.csv, and its answers would fail the relationship tests
against a `dim_edition` that was not rebuilt. So each full build records a fingerprint of
the dbt project's files beside the warehouse, and the sensor starts the full
`build_warehouse` whenever the project no longer matches it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from tendensen.files import replace_atomically
from tendensen.settings import REPO_ROOT, full_build_record_path

# Everything dbt reads to build the warehouse, apart from the landed data.
DBT_PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds")


def dbt_project_fingerprint(root: Path = REPO_ROOT) -> str:
    """sha256 over the path and bytes of every file of the dbt project (~100 small files)."""
    digest = hashlib.sha256()
    for name in DBT_PROJECT_FILES:
        top = root / name
        files = sorted(path for path in top.rglob("*") if path.is_file()) if top.is_dir() else [top]
        for path in files:
            if path.exists():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def record_full_build(fingerprint: str) -> None:
    """Remember that the warehouse was fully built from the project with this fingerprint."""
    replace_atomically(
        full_build_record_path(),
        json.dumps(
            {
                "dbt_project_fingerprint": fingerprint,
                "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
        ),
    )


def last_full_build_fingerprint() -> str | None:
    try:
        return json.loads(full_build_record_path().read_text(encoding="utf-8"))["dbt_project_fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # never fully built (or the record is unreadable): build everything


def project_unchanged_since_full_build() -> bool:
    return last_full_build_fingerprint() == dbt_project_fingerprint()
