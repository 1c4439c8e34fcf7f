"""docs/adding_an_edition.md, worked through: a later edition goes in as seed rows only.

SYNTHETIC: edition 2099 and document `synthetic_til_2099` are invented for this test (numbers
made up), and live only in a temporary copy of the project, never in the real seeds. The
edition has the shapes a real later report has:
- a question with its full figure (`ld_technology_use`, asked in 2021 too, so trends and
  z-tests against 2021 appear), both audiences;
- a new question (new topic, question, options, label variants) whose complete distribution
  is quoted in the text, no figure, summing to 48 + 35 + 20 = 103 (beyond 100 ± 3/2);
- a partial pair quoted in the text (60 + 55 of `ld_spend_per_person`: never sum-checked);
- the respondent totals per audience.
The test adds the rows, runs the seed checks, builds with dbt, validates as the pipeline's
asset checks do, and acknowledges the 103 with the row the failure message prints.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import Build, copy_dbt_project, run_dbt

REPORT_2099 = "Tendensen in Leren 2099 (synthetisch)"
NEW_QUESTION = "synthetic_budget_outlook"

# file -> rows appended to it (header order of that file), exactly as a user would type them
SYNTHETIC_EDITION = {
    "seeds/codebook/editions.csv": [
        ["2099", "Tendensen in Leren 2099 (SYNTHETISCH voorbeeld)"],
    ],
    "seeds/codebook/source_documents.csv": [
        [
            "synthetic_til_2099",
            REPORT_2099,
            "SYNTHETIC: a fictitious report invented for the worked example of README § Adding an "
            "edition (tests/test_adding_an_edition.py); none of its numbers was ever published.",
        ],
    ],
    "seeds/codebook/topics.csv": [
        ["synthetic_budget", "", "Synthetisch thema: budgetten (voorbeeld)"],
    ],
    "seeds/codebook/questions.csv": [
        [
            NEW_QUESTION,
            "Hoe evolueert het L&D-budget volgend jaar? (synthetisch)",
            "single_choice",
            "",
            "synthetic_budget",
            "synthetisch voorbeeld; alleen in de tekst, p. 4",
        ],
    ],
    "seeds/codebook/options.csv": [
        [NEW_QUESTION, "stijgt", "Het budget stijgt", "1", "false", ""],
        [NEW_QUESTION, "blijft_gelijk", "Het budget blijft gelijk", "2", "false", ""],
        [NEW_QUESTION, "daalt", "Het budget daalt", "3", "false", ""],
    ],
    "seeds/codebook/label_variants.csv": [
        ["question", NEW_QUESTION, "", "", "nl", "Hoe evolueert het L&D-budget volgend jaar? (synthetisch)"],
        [
            "question",
            NEW_QUESTION,
            "",
            "",
            "fr",
            "Comment évolue le budget L&D l'an prochain ? (synthétique)",
        ],
        ["option", NEW_QUESTION, "", "stijgt", "nl", "Het budget stijgt"],
        ["option", NEW_QUESTION, "", "stijgt", "fr", "Le budget augmente"],
    ],
    "seeds/published/published_shares.csv": [
        # edition, audience, question, item, option, pct, is_partial, document, figure, locator, note
        # 1. a full figure, both audiences (plain options add to 100, subtotals match their parts)
        *[
            [
                "2099",
                audience,
                "ld_technology_use",
                "",
                option,
                pct,
                "false",
                "synthetic_til_2099",
                "3",
                "Figuur 3",
                "synthetisch",
            ]
            for audience, values in (
                ("business", (2, 8, 10, 30, 60, 90)),
                ("aanbieders", (1, 4, 5, 35, 60, 95)),
            )
            for option, pct in zip(
                (
                    "neen_zeker_niet",
                    "neen_eerder_niet",
                    "subtotaal_neen",
                    "ja_eerder_wel",
                    "ja_zeker_wel",
                    "subtotaal_ja",
                ),
                values,
                strict=True,
            )
        ],
        # 2. a complete distribution quoted in the text, no figure: 48 + 35 + 20 = 103
        [
            "2099",
            "business",
            NEW_QUESTION,
            "",
            "stijgt",
            "48",
            "false",
            "synthetic_til_2099",
            "",
            "tekst: p. 4",
            "synthetisch; '48% ziet het budget stijgen, 35% gelijk blijven en 20% dalen'",
        ],
        [
            "2099",
            "business",
            NEW_QUESTION,
            "",
            "blijft_gelijk",
            "35",
            "false",
            "synthetic_til_2099",
            "",
            "tekst: p. 4",
            "synthetisch",
        ],
        [
            "2099",
            "business",
            NEW_QUESTION,
            "",
            "daalt",
            "20",
            "false",
            "synthetic_til_2099",
            "",
            "tekst: p. 4",
            "synthetisch",
        ],
        # 3. a partial pair quoted in the text: the other options are not published
        [
            "2099",
            "business",
            "ld_spend_per_person",
            "",
            "minder_dan_250",
            "60",
            "true",
            "synthetic_til_2099",
            "",
            "tekst: p. 6",
            "synthetisch",
        ],
        [
            "2099",
            "business",
            "ld_spend_per_person",
            "",
            "tussen_250_750",
            "55",
            "true",
            "synthetic_til_2099",
            "",
            "tekst: p. 6",
            "synthetisch",
        ],
    ],
    "seeds/published/respondent_counts.csv": [
        ["2099", "business", "200", "synthetic_til_2099", "synthetisch"],
        ["2099", "aanbieders", "150", "synthetic_til_2099", "synthetisch"],
    ],
}


def append_rows(project: Path, rows_by_file: dict[str, list[list[str]]]) -> None:
    for name, rows in rows_by_file.items():
        path = project / name
        text = path.read_text(encoding="utf-8")
        with path.open("a", encoding="utf-8", newline="") as handle:
            if not text.endswith("\n"):
                handle.write("\n")
            csv.writer(handle, lineterminator="\n").writerows(rows)


def seeds_and_downstream(rows_by_file: dict[str, list[list[str]]]) -> list[str]:
    """dbt selectors for the seeds the rows go into and everything built from them, tests included."""
    return [f"{Path(name).stem}+" for name in rows_by_file]


def check_seeds(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(project / "scripts" / "check_seed_sums.py"), str(project / "seeds")],
        capture_output=True,
        text=True,
    )


def validate(data: Path, run_id: str):
    """What the pipeline's blocking asset checks do (orchestration/defs/validation/checks.py): validate, record
    the audit rows and write the status beside the serving copy."""
    from datetime import datetime, timezone

    from tendensen.validation.share_checks import run_share_checks, unacknowledged_failures
    from tendensen.validation.status import record_validation

    rows = run_share_checks(data / "warehouse.duckdb", run_id=run_id)
    status = record_validation(data / "serving", rows, run_id, datetime.now(timezone.utc))
    return rows, unacknowledged_failures(rows), status


@pytest.fixture(scope="module")
def edition_2099(built_warehouse, tmp_path_factory):
    """A project copy with the synthetic edition, built and validated once, then acknowledged
    and validated again. Returns what each step showed."""
    root = tmp_path_factory.mktemp("adding_an_edition")
    project = copy_dbt_project(root / "project")
    shutil.copytree(Path(__file__).resolve().parents[1] / "scripts", project / "scripts")
    shutil.copytree(built_warehouse.path.parent, root / "data")
    append_rows(project, SYNTHETIC_EDITION)
    steps = {"seed_check": check_seeds(project)}
    # Only what the new rows reach (152 of 190 nodes): the rest of the copy is
    # `built_warehouse`'s, built and tested from the same inputs.
    steps["build"] = run_dbt(root, "build", *seeds_and_downstream(SYNTHETIC_EDITION))
    steps["first"] = validate(root / "data", "synthetic-run-1")
    steps["first_status_file"] = json.loads(
        (root / "data" / "serving" / "validation_status.json").read_text("utf-8")
    )
    # the failure message's row, with the reason filled in, is what the user adds
    assert steps["build"].returncode == 0, steps["build"].stdout[-3000:]
    (failing,) = steps["first"][2]["failing_checks"]
    row = (
        failing["acknowledgement_row"]
        .replace(
            "<why the report really prints it so, with its page or figure>",
            "Synthetisch voorbeeld: p. 4 citeert 48 + 35 + 20 = 103. Zo gepubliceerd.",
        )
        .replace("<your name>", "tendensen tests")
    )
    steps["acknowledgement_row"] = row
    with (project / "seeds" / "audit" / "acknowledged_anomalies.csv").open("a", encoding="utf-8") as handle:
        handle.write(row + "\n")
    steps["seed_check_acknowledged"] = check_seeds(project)
    steps["rebuild"] = run_dbt(root, "build", "acknowledged_anomalies+")
    steps["second"] = validate(root / "data", "synthetic-run-2")
    steps["warehouse"] = Build(path=root / "data" / "warehouse.duckdb", result=None)
    steps["data"] = root / "data"
    return steps


def test_the_seed_checks_and_the_dbt_build_pass(edition_2099):
    seed_check, build = edition_2099["seed_check"], edition_2099["build"]
    assert seed_check.returncode == 0, seed_check.stdout[-2000:]
    assert build.returncode == 0, build.stdout[-3000:]
    # the seed check's report shows the text distribution as complete, with its sum
    (line,) = [line for line in seed_check.stdout.splitlines() if NEW_QUESTION in line]
    assert line.split()[-2:] == ["103", "no"] and "tekst: p. 4" in line


def test_the_bad_sum_of_the_text_distribution_blocks_the_publish(edition_2099, built_warehouse):
    from tendensen.validation.share_checks import acknowledgement_hint, describe_group

    rows, failures, status = edition_2099["first"]
    (failure,) = list(failures.itertuples())
    assert (
        failure.rule,
        failure.edition_id,
        failure.audience,
        failure.question_id,
        failure.observed,
        failure.lower_bound,
        failure.upper_bound,
    ) == ("single_choice_sums_to_100", "2099", "business", NEW_QUESTION, 103.0, 98.5, 101.5)
    assert describe_group(failure) == (
        f"edition 2099, audience business, question {NEW_QUESTION}, tekst: p. 4 of {REPORT_2099}: "
        "observed 103, allowed [98.5, 101.5]"
    )
    assert acknowledgement_hint(failure, today="2099-01-01").endswith(
        f"seeds/audit/acknowledged_anomalies.csv the row: single_choice_sums_to_100,2099,business,{NEW_QUESTION},,"
        '"<why the report really prints it so, with its page or figure>",<your name>,2099-01-01'
    )
    # what a BI user sees beside the serving copy: publish blocked, and why
    assert edition_2099["first_status_file"] == status
    assert (status["status"], status["publish"]) == ("failed", "blocked")
    # the serving copy still holds the last validated build (the one the project copy started from)
    assert status["last_passed_run_id"] == built_warehouse.result.run_id
    # the full figure passes, its subtotals too
    figure = rows[(rows["edition_id"] == "2099") & (rows["question_id"] == "ld_technology_use")]
    assert len(figure) == 2 * 1 + 2 * 2 + 2 and figure["passed"].all()


def test_partial_numbers_are_not_sum_checked(edition_2099):
    rows = edition_2099["first"][0]
    partial = rows[(rows["edition_id"] == "2099") & (rows["question_id"] == "ld_spend_per_person")]
    assert set(partial["rule"]) == {"pct_in_range"}  # 60 + 55 = 115 is never summed


def test_the_acknowledged_sum_no_longer_blocks(edition_2099):
    assert edition_2099["seed_check_acknowledged"].returncode == 0
    assert edition_2099["rebuild"].returncode == 0, edition_2099["rebuild"].stdout[-3000:]
    rows, failures, status = edition_2099["second"]
    assert failures.empty and (status["status"], status["publish"]) == ("passed", "allowed")
    (acknowledged,) = list(rows[(rows["edition_id"] == "2099") & ~rows["passed"]].itertuples())
    assert acknowledged.acknowledged and acknowledged.question_id == NEW_QUESTION
    assert (
        f"acknowledged by tendensen tests on {date.today().isoformat()}: Synthetisch voorbeeld"
        in acknowledged.note
    )


TRENDS_2099 = """
    select audience, option_label, previous_edition_id, previous_pct, pct, previous_n_base, n_base,
           n_base_kind, round(change_points, 1), round(z_score, 2), round(p_value, 4),
           round(ci95_low, 1), round(ci95_high, 1), is_significant
    from marts.answer_trends
    where source = 'published' and edition_id = '2099' and question_id = 'ld_technology_use'
      and not is_subtotal
    order by audience, option_order
"""


def test_trends_and_z_tests_against_2021(edition_2099):
    rows = edition_2099["warehouse"].rows(TRENDS_2099)
    assert len(rows) == 8
    assert {row[2] for row in rows} == {"2021"}
    assert {(row[0], row[5], row[6], row[7]) for row in rows} == {
        ("aanbieders", 142, 150, "respondent_total"),
        ("business", 173, 200, "respondent_total"),
    }
    assert all(row[9] is not None and row[10] is not None for row in rows)
    by_answer = {(row[0], row[1]): row for row in rows}
    # Business 'Ja, eerder wel' 26% of 173 -> 30% of 200: +4 points, not significant
    assert by_answer[("business", "Ja, eerder wel")][8:] == (4.0, 0.86, 0.3897, -5.1, 13.1, False)
    # Aanbieders 'Neen, eerder niet' 12% of 142 -> 4% of 150: -8 points, significant
    assert by_answer[("aanbieders", "Neen, eerder niet")][8] == -8.0
    assert by_answer[("aanbieders", "Neen, eerder niet")][13] is True
    # the text distribution's locator reaches the trends mart; its base is the Business total
    (located,) = edition_2099["warehouse"].rows(
        f"select distinct source_locator, n_base from marts.answer_trends where question_id = '{NEW_QUESTION}'"
    )
    assert located == ("tekst: p. 4", 200)
