"""scripts/check_seed_sums.py runs in `make test`: the seeds as committed pass it, and each of
its general rules fails on the bad input it names (in a copy of the seeds)."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tendensen.settings import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "check_seed_sums.py"


def check_seeds(seeds: Path = REPO_ROOT / "seeds") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(seeds)], capture_output=True, text=True)


def test_the_committed_seeds_pass():
    result = check_seeds()
    assert result.returncode == 0, result.stdout[-3000:]
    assert "referential checks: OK" in result.stdout


@pytest.fixture()
def seeds(tmp_path) -> Path:
    return Path(shutil.copytree(REPO_ROOT / "seeds", tmp_path / "seeds"))


def edit_rows(path: Path, change) -> None:
    """Rewrite a seed CSV with `change(rows)` applied to its list of dicts."""
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    change(rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_field(row_index: int, **values):
    def change(rows):
        rows[row_index].update(values)

    return change


@pytest.mark.parametrize(
    "values, message",
    [
        ({"source_locator": ""}, "source_locator is empty"),
        ({"source_locator": "tekst: Doelgroep", "source_figure": "4"}, "expected 'Figuur 4'"),
        ({"source_locator": "Figuur 3", "source_figure": ""}, "but source_figure=''"),
        ({"is_partial": "maybe"}, "is_partial must be true/false"),
    ],
)
def test_a_row_that_cannot_be_traced_fails(seeds, values, message):
    edit_rows(seeds / "published" / "published_shares.csv", set_field(0, **values))
    result = check_seeds(seeds)
    assert result.returncode == 1
    assert "published_shares line 2:" in result.stdout and message in result.stdout


def test_a_complete_distribution_quoted_in_the_text_passes(seeds):
    """Where a number was printed and whether its distribution is complete are independent:
    Business work_country (75 + 19 + 6) is complete, in the running text."""

    def complete(rows):
        for row in rows:
            if (row["edition_id"], row["audience"], row["question_id"]) == (
                "2021",
                "business",
                "work_country",
            ):
                row["is_partial"] = "false"

    edit_rows(seeds / "published" / "published_shares.csv", complete)
    assert check_seeds(seeds).returncode == 0


def test_one_distribution_is_either_complete_or_partial(seeds):
    edit_rows(seeds / "published" / "published_shares.csv", set_field(0, is_partial="false"))
    result = check_seeds(seeds)
    assert result.returncode == 1
    assert "mixes is_partial=true and false" in result.stdout


def test_an_acknowledgement_needs_a_date(seeds):
    edit_rows(
        seeds / "audit" / "acknowledged_anomalies.csv", set_field(0, acknowledged_on="2026-11-21 00:00:00")
    )
    result = check_seeds(seeds)
    assert result.returncode == 1
    assert "acknowledged_anomalies line 2: acknowledged_on must be a date YYYY-MM-DD" in result.stdout
