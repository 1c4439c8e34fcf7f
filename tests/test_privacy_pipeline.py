"""Personal data planted in an export never lands anywhere the pipeline writes, and `dbt` by hand
changes nothing: the whole pipeline, run in-process as `make run` does, with a persistent
Dagster instance (its event log is a file too) and the data under a folder named `o'brien dir`."""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tendensen.settings import REPO_ROOT

PLANTED_CELLS = [  # typed into answer columns (quarantined) and the free-text column (dropped)
    "griet.vanderplanck@example.invalid",
    "+32 470 98 76 54",
    "BE68 5390 0754 7034",
    "203.0.113.99",
    "Griet Vanderplanck",
]
FREE_TEXT = "Bel Griet Vanderplanck op 0470 98 76 54 of mail griet.vanderplanck@example.invalid"
# Substrings no file may contain (also without spaces, as a normaliser might write them).
NEEDLES = [
    *PLANTED_CELLS,
    "Vanderplanck",
    "BE68539007547034",
    "+32470987654",
    "0470 98 76 54",
    "griet.vanderplanck",
]


def plant(export: Path) -> None:
    """Personal data in the fixed columns, in single-choice answer cells and in free text."""
    with export.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, labels = rows[0], rows[1]
    answer = next(i for i in range(9, len(labels)) if labels[i] == "Response")
    free_text = [i for i, label in enumerate(labels) if label == "Open-Ended Response"]
    for number, value in enumerate(PLANTED_CELLS):
        row = rows[2 + number]
        row[answer] = value
        row[header.index("First Name")], row[header.index("Last Name")] = "Griet", "Vanderplanck"
        row[header.index("IP Address")] = "203.0.113.99"
        for column in free_text:
            row[column] = FREE_TEXT
    with export.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


class Pipeline:
    def __init__(self, root: Path):
        from dagster import DagsterInstance

        self.root, self.data = root, root / "data"
        self.home = root / "dagster_home"
        self.home.mkdir(parents=True)
        self.instance = DagsterInstance.local_temp(tempdir=str(self.home))

    def run(self):
        from orchestration.definitions import defs

        return defs.resolve_job_def("build_warehouse").execute_in_process(
            instance=self.instance, raise_on_error=False
        )

    def rows(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.data / "warehouse.duckdb"), read_only=True) as con:
            return con.execute(sql).fetchall()

    def files(self):
        """Every file the pipeline wrote: data/ (but the exports themselves), the Dagster
        instance, the project's target/ and logs/."""
        folders = [self.data, self.home, REPO_ROOT / "target", REPO_ROOT / "logs"]
        for folder in folders:
            for path in folder.rglob("*"):
                if (
                    path.is_file()
                    and not path.is_symlink()
                    and "landing" not in path.relative_to(folder).parts[:1]
                ):
                    yield path


def failures(result) -> list[str]:
    """Failed steps and checks of a run, for assertion messages."""
    out = [
        f"{event.step_key}: {event.event_specific_data.error.message[:500]}"
        for event in result.all_events
        if event.is_step_failure
    ]
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                out.append(f"check {evaluation.check_name}: {evaluation.description}")
    return out


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    from tendensen.landing.generate import generate_2021_demo, generate_export

    root = tmp_path_factory.mktemp("privacy") / "o'brien dir"
    patch = pytest.MonkeyPatch()
    patch.setenv("WAREHOUSE_PATH", str(root / "data" / "warehouse.duckdb"))
    generate_2021_demo(root / "data" / "landing")  # untouched: the published checks still pass
    plant(
        generate_export(
            root / "data" / "landing" / "2021_werknemers_planted.csv",
            "2021",
            # 120 respondents: the 5 planted rows stay under the landing's 5% hold
            # threshold (docs/landing.md, "Held exports"), as a real export's few would
            "werknemers",
            120,
            seed=5,
            questions=["org_size_worldwide", "ld_technology_use", "ld_tech_reasons"],
        )
    )
    pipeline = Pipeline(root)
    pipeline.first = pipeline.run()
    yield pipeline
    pipeline.instance.dispose()
    patch.undo()


def test_the_pipeline_runs_under_a_path_with_a_quote(pipeline):
    assert "'" in str(pipeline.data)
    assert pipeline.first.success, failures(pipeline.first)
    assert pipeline.rows("select count(*) from marts.dim_respondent") == [(173 + 142 + 120 - 5,)]
    with duckdb.connect(str(pipeline.data / "serving" / "tendensen.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_response_answers").fetchone()[0] > 0


def test_quarantine_keeps_locations_not_values(pipeline):
    rows = pipeline.rows(
        "select row_number, redacted_value from staging.stg_responses__quarantine "
        "where audience = 'werknemers' order by row_number"
    )
    assert rows == [
        (3 + n, f"(redacted: text of {len(v)} character(s))") for n, v in enumerate(PLANTED_CELLS)
    ]


def test_no_planted_value_in_any_file_the_pipeline_wrote(pipeline):
    files = list(pipeline.files())
    assert any(path.suffix == ".db" for path in files)  # the Dagster instance's event log
    assert any(path.parent.name == "quarantine" for path in files)
    leaks = [
        (str(path), needle) for path in files for needle in NEEDLES if needle.encode() in path.read_bytes()
    ]
    assert leaks == []


def test_what_the_pipeline_writes_is_private(pipeline):
    public = [
        str(path)
        for path in [pipeline.data, *pipeline.data.rglob("*"), pipeline.home, *pipeline.home.rglob("*")]
        if not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) & 0o077
    ]
    assert public == []


def test_dbt_by_hand_rekeys_nothing_and_the_next_run_rewrites_nothing_and_cleans_up(pipeline):
    before = pipeline.rows("select distinct landing_id, loaded_at from marts.dim_respondent order by 1")
    scratch = pipeline.root / "by_hand"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "tendensen-dbt"),
            "build",
            "--project-dir",
            str(REPO_ROOT),
            "--profiles-dir",
            str(REPO_ROOT),
            "--target-path",
            str(scratch / "target"),
            "--log-path",
            str(scratch / "logs"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "WAREHOUSE_PATH": str(pipeline.data / "warehouse.duckdb")},
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert (
        pipeline.rows("select distinct landing_id, loaded_at from marts.dim_respondent order by 1") == before
    )
    assert all(landing_id.endswith(":" + before[0][0].rsplit(":", 1)[1]) for landing_id, _ in before)
    assert not any(landing_id.endswith(":unsalted") for landing_id, _ in before)

    # what a run killed an hour ago left behind: the next build removes it
    from tendensen.faults import STALE_SECONDS

    debris = [
        pipeline.data / "landed" / ".landing-999999999-killed",
        pipeline.data / "serving" / ".tendensen.duckdb.killed.tmp",
    ]
    debris[0].mkdir()
    debris[1].write_bytes(b"half a database")
    for path in debris:
        os.utime(path, (0, time.time() - STALE_SECONDS - 60))
    again = pipeline.run()
    assert again.success, failures(again)
    assert not any(path.exists() for path in debris)
    assert (
        pipeline.rows("select distinct landing_id, loaded_at from marts.dim_respondent order by 1") == before
    )
    (publish,) = [
        event.materialization.metadata
        for event in again.all_events
        if event.is_step_materialization and event.asset_key.path == ["serving", "tendensen"]
    ]
    assert publish["landings_written"].value == 0 and publish["landings_linked"].value > 0


def test_a_leak_in_an_unchanged_landing_fails_every_run_without_copying_the_value(pipeline, capsys):
    from orchestration.run import print_failure_reasons

    quarantine = pipeline.data / "landed" / "quarantine" / "2021__werknemers.parquet"
    leaked = "leaked.value@example.invalid"
    with duckdb.connect() as con:  # as an earlier version of the landing wrote it: the cell itself
        frame = con.execute(
            "select * replace (? as redacted_value) from read_parquet(?)", [leaked, str(quarantine)]
        ).df()
        con.register("frame", frame)
        con.execute("copy frame to '" + str(quarantine).replace("'", "''") + "' (format parquet)")
    for _ in range(2):  # the export is unchanged: still scanned, every run
        result = pipeline.run()
        assert not result.success
        (check,) = [
            event.event_specific_data
            for event in result.all_events
            if event.event_type_value == "ASSET_CHECK_EVALUATION"
            and event.event_specific_data.check_name == "no_personal_data_landed"
        ]
        assert not check.passed
        assert (
            "quarantine/2021__werknemers.parquet, column redacted_value: 1 value(s) that look like "
            "an e-mail address" in check.description
        )
    print_failure_reasons(result)  # what `make run` prints under "The build FAILED"
    assert "check no_personal_data_landed: 1 finding(s) in" in capsys.readouterr().out
    assert not [
        path
        for path in pipeline.files()
        if path.parent.name != "quarantine" and leaked.encode() in path.read_bytes()
    ]


def test_a_lost_salt_stops_the_landing_with_advice(pipeline, monkeypatch, capsys, tmp_path):
    from orchestration.run import print_failure_reasons

    monkeypatch.setenv("TENDENSEN_SALT_FILE", str(tmp_path / "not_there" / "respondent_salt"))
    result = pipeline.run()
    assert not result.success
    print_failure_reasons(result)
    out = capsys.readouterr().out
    assert (
        f"landing__responses: The respondent salt {tmp_path / 'not_there' / 'respondent_salt'} "
        "does not exist, but" in out
    )
    assert "Restore that salt file" in out
    assert not (tmp_path / "not_there" / "respondent_salt").exists()
