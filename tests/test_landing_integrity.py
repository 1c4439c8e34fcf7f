"""Nothing lost (issue 15): a wrong or partial re-export never replaces a good landed export,
one export per edition x audience, withdrawing is a command, odd files are named, and every
respondent model and computed share follows the same set of landings.

Exports are the generator's 173 Business respondents, mangled as a spreadsheet or a wrong
SurveyMonkey setting mangles them (docs/landing.md, section 1).
"""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from tendensen.landing.codebook import default_codebook
from tendensen.landing.folder import conflict_reports, scan_landing_folder, unlisted_landings
from tendensen.landing.generate import generate_demo_export
from tendensen.landing.land import land_file
from tendensen.landing.withdraw import WithdrawError, parse_slot, withdraw
from tendensen.summary import landing_summary
from tests.conftest import run_dbt

SALT = "test-salt-not-secret"
BOOK = default_codebook()
KINDS = ("answers", "respondents", "quarantine")


@pytest.fixture()
def good(tmp_path) -> Path:
    """A good 2021 Business export (173 respondents), landed in tmp_path/landed."""
    path = generate_demo_export(tmp_path / "landing" / "2021_business.csv", "business", 173, seed=2021)
    report = land_file(path, tmp_path / "landed", salt=SALT)
    assert (report.action, report.respondents, report.quarantined) == ("landed", 173, 0)
    return path


def landed_files(tmp_path) -> dict[str, bytes]:
    return {kind: (tmp_path / "landed" / kind / "2021__business.parquet").read_bytes() for kind in KINDS}


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def mangled(source: Path, name: str, change) -> Path:
    """`source` rewritten as `name` beside it, `change(rows)` applied to its records."""
    target = source.with_name(name)
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(change(read_rows(source)))
    return target


def excel_ids(rows):  # what Excel writes for an 11-digit number: 1.26693E+10
    return rows[:2] + [[f"{float(row[0]):.5E}".replace("E+0", "E+"), *row[1:]] for row in rows[2:]]


def trailing_field(rows):  # an empty field after the last column, on data rows only
    return rows[:2] + [[*row, ""] for row in rows[2:]]


def numerical_values(rows):  # SurveyMonkey's "Numerical value" cells: option numbers
    return rows[:2] + [
        row[:9] + ["1" if cell and not cell.startswith(("Synthetic", "=")) else cell for cell in row[9:]]
        for row in rows[2:]
    ]


def held_outcome_start(name: str, reason: str, landed_id: str) -> str:
    return f"{name}: held, not landed: {reason}. The landed export {landed_id} of 2021 business stays."


@pytest.mark.parametrize(
    "change, cause",
    [
        (excel_ids, "Respondent IDs in scientific notation (like 1.26693E+10) are what Excel writes"),
        (trailing_field, "the quarantined rows have one field more than the header rows"),
        (
            numerical_values,
            'this is a "Numerical value" export; export again with Cells: "Actual answer text"',
        ),
    ],
    ids=["excel-ids", "trailing-field", "numerical-value"],
)
def test_a_re_export_with_no_landable_respondent_is_held_and_the_landed_one_stays(
    tmp_path, good, change, cause
):
    before, landed_id = landed_files(tmp_path), land_file(good, tmp_path / "landed", salt=SALT).export_id
    path = mangled(good, "2021_business_v2.csv", change)
    report = land_file(path, tmp_path / "landed", salt=SALT)
    assert (report.action, report.respondents, report.quarantined) == ("held", 0, 173)
    assert report.outcome.startswith(
        held_outcome_start(path.name, "no landable respondent: all 173 rows are quarantined", landed_id)
    )
    assert cause in report.outcome
    assert report.outcome.endswith(
        f"To land it anyway: python -m tendensen.landing accept {path}, "
        "then rebuild (make accept EXPORT=<file> does both)"
    )
    assert landed_files(tmp_path) == before  # the good export's Parquet was not overwritten
    with (tmp_path / "landed" / "landing_log.csv").open(encoding="utf-8") as handle:
        assert list(csv.DictReader(handle))[-1]["action"] == "held"


def test_a_trailing_field_is_reported_in_column_106(tmp_path, good):
    report = land_file(mangled(good, "2021_business_v2.csv", trailing_field), tmp_path / "landed", salt=SALT)
    assert (
        "2021_business_v2.csv, row 3, column 106: quarantined: too many fields: 106 instead of 105"
        in report.messages
    )


def test_an_empty_last_column_in_every_row_is_rejected_naming_column_106(tmp_path, good):
    path = mangled(good, "2021_business_v2.csv", lambda rows: [[*row, ""] for row in rows])
    report = land_file(path, tmp_path / "landed", salt=SALT)
    assert report.action == "rejected"
    assert report.outcome.startswith(
        "2021_business_v2.csv, row 1, column 106: rejected: empty column: "
        "no question text in row 1 and no label in row 2"
    )


def condensed(rows):
    """The first multi-choice question in one "Response" column holding the ticked labels."""
    row1, row2 = rows[0], rows[1]
    multi = {
        BOOK.questions[q].text for q in BOOK.questions if BOOK.questions[q].question_type == "multi_choice"
    }
    start = next(i for i, text in enumerate(row1) if text in multi)
    end = next(i for i in range(start + 1, len(row1)) if row1[i])
    out = [row1[: start + 1] + row1[end:], row2[:start] + ["Response"] + row2[end:]]
    for row in rows[2:]:
        out.append(row[:start] + [";".join(c for c in row[start:end] if c)] + row[end:])
    return out


def test_a_condensed_export_is_rejected_saying_which_setting_to_change(tmp_path, good):
    report = land_file(mangled(good, "2021_business_v2.csv", condensed), tmp_path / "landed", salt=SALT)
    assert report.action == "rejected"
    assert 'this is a "Condensed" export; export again with Columns: "Expanded"' in report.outcome


def test_a_file_cut_inside_a_quoted_cell_is_held_as_truncated(tmp_path, good):
    data = good.read_bytes()
    cut = data[: data.rfind(b',"', 0, len(data) - 10) + 8]  # inside the last quoted cell
    path = good.with_name("2021_business_v2.csv")
    path.write_bytes(cut)
    before = landed_files(tmp_path)
    report = land_file(path, tmp_path / "landed", salt=SALT)
    assert report.action == "held"
    assert "held, not landed: the file ends inside a quoted cell: it is truncated" in report.outcome
    assert landed_files(tmp_path) == before


def with_unknown_labels(count: int):
    def change(rows):
        return rows[:2] + [
            [*row[:9], "Onbekend", *row[10:]] if number < count else row
            for number, row in enumerate(rows[2:])
        ]

    return change


def test_more_than_5_percent_quarantined_is_held_and_5_percent_lands(tmp_path, good):
    held = land_file(
        mangled(good, "2021_business_v2.csv", with_unknown_labels(9)), tmp_path / "landed", salt=SALT
    )
    assert held.action == "held"
    assert "held, not landed: 9 of 173 respondent rows quarantined (5%, more than 5%)" in held.outcome
    landed = land_file(
        mangled(good, "2021_business_v3.csv", with_unknown_labels(8)), tmp_path / "landed", salt=SALT
    )
    assert (landed.action, landed.respondents, landed.quarantined) == ("replaced", 165, 8)


def test_far_fewer_respondents_are_held_until_accepted(tmp_path, good):
    smaller = generate_demo_export(good.with_name("2021_business_v2.csv"), "business", 60, seed=7)
    before = landed_files(tmp_path)
    held = land_file(smaller, tmp_path / "landed", salt=SALT)
    assert held.action == "held" and landed_files(tmp_path) == before
    assert (
        "held, not landed: 60 respondents against 173 in the landed export it would replace "
        "(fewer than 80%: a filtered or partial export?)"
    ) in held.outcome
    accepted = land_file(smaller, tmp_path / "landed", salt=SALT, accept=True)
    assert (accepted.action, accepted.respondents) == ("replaced", 60)
    assert any("accepted although 60 respondents against 173" in m for m in accepted.messages)
    assert land_file(smaller, tmp_path / "landed", salt=SALT).action == "unchanged"


def test_a_first_export_with_no_landable_respondent_is_held(tmp_path, good):
    path = mangled(good, "2021_business_v2.csv", numerical_values)
    report = land_file(path, tmp_path / "other", salt=SALT)
    assert report.action == "held"
    assert "Nothing is landed for 2021 business." in report.outcome
    assert not (tmp_path / "other" / "respondents").exists()


def test_an_export_of_an_edition_missing_from_editions_csv_is_rejected(tmp_path, good):
    path = good.with_name("2027_business.csv")
    shutil.copyfile(good, path)
    report = land_file(path, tmp_path / "landed", salt=SALT)
    assert report.action == "rejected"
    assert report.outcome == (
        '2027_business.csv: rejected: unknown edition "2027": add it to '
        'seeds/codebook/editions.csv first (see README, "Adding an edition")'
    )


# --------------------------------------------------------------------------- the folder


@pytest.mark.parametrize(
    "names",
    [
        ("2021_business_corrected.csv", "2021_business_synthetic.csv"),
        ("2021_business_synthetic.csv", "2021_business_a.csv"),
    ],
)
def test_two_exports_for_one_slot_are_a_conflict_whatever_their_names(tmp_path, good, names):
    folder = good.parent
    good.with_name(good.name + ".manifest.json").unlink()
    for name in names:
        shutil.copyfile(good, folder / name)
    good.unlink()
    scan = scan_landing_folder(folder, BOOK)
    assert scan.exports == [] and list(scan.conflicts) == [("2021", "business")]
    landed_id = land_file(folder / names[0], tmp_path / "landed", salt=SALT).export_id
    reports = conflict_reports(
        ("2021", "business"), scan.conflicts[("2021", "business")], tmp_path / "landed"
    )
    first, second = sorted(names)
    assert [r.action for r in reports] == ["held", "held"]
    assert reports[0].outcome == (
        f"{first}: held, not landed: conflict: {first} and {second} are all exports of 2021 "
        f"business, and each edition and audience has one export; none of them was landed and "
        f"the landed export {landed_id} stays. Keep the right one in {folder} and move the "
        "others out of it"
    )


def test_odd_entries_of_the_landing_folder_get_one_line_each(tmp_path, good):
    folder = good.parent
    shutil.copyfile(good, folder / "2021_aanbieders.CSV")  # lands: the extension's case is no matter
    (folder / "2025_business.csv").symlink_to(folder / "gone.csv")
    (folder / "2024_business.csv").mkdir()
    os.mkfifo(folder / "2023_business.csv")
    (folder / "2022_business.xlsx").write_bytes(b"PK")
    scan = scan_landing_folder(folder, BOOK)
    assert [path.name for path in scan.exports] == ["2021_aanbieders.CSV", "2021_business.csv"]
    assert scan.notes == [
        "2022_business.xlsx: not landed: an Excel workbook; exports are CSV files: in SurveyMonkey "
        "choose All responses data, File format CSV (docs/landing.md, section 1); in Qualtrics "
        'Export data, CSV, "Use choice text" (section 11)',
        "2023_business.csv: not landed: a named pipe (FIFO); copy the export here as a regular file",
        "2024_business.csv: not landed: a directory, not an export file",
        f"2025_business.csv: not landed: a symbolic link to {folder / 'gone.csv'}, which does not "
        "exist; copy the export itself here",
    ]


def test_a_landed_export_missing_from_the_folder_is_named_with_the_withdraw_command(tmp_path, good):
    good.unlink()
    notes = unlisted_landings(tmp_path / "landed", scan_landing_folder(good.parent, BOOK), BOOK)
    assert notes == [
        "2021 business: landed, but no export of it is in the landing folder: it stays "
        "in the warehouse; to remove it: python -m tendensen.landing withdraw 2021_business"
    ]


def test_withdraw_moves_the_export_away_and_deletes_its_landing(tmp_path, good):
    messages = withdraw(
        parse_slot("2021_business"), good.parent, tmp_path / "landed", tmp_path / "withdrawn", BOOK
    )
    assert not any((tmp_path / "landed" / kind / "2021__business.parquet").exists() for kind in KINDS)
    assert sorted(p.name for p in (tmp_path / "withdrawn").iterdir()) == [
        "2021_business.csv",
        "2021_business.csv.manifest.json",
    ]
    assert list(good.parent.iterdir()) == []
    assert messages[-1].startswith("2021 business: withdrawn (export ")
    with (tmp_path / "landed" / "landing_log.csv").open(encoding="utf-8") as handle:
        assert list(csv.DictReader(handle))[-1]["action"] == "withdrawn"
    with pytest.raises(WithdrawError, match="nothing to withdraw for 2021 business"):
        withdraw(("2021", "business"), good.parent, tmp_path / "landed", tmp_path / "withdrawn", BOOK)
    with pytest.raises(WithdrawError, match='"2021-business" is not <edition_id>_<audience>'):
        parse_slot("2021-business")


def test_accept_lands_only_files_of_the_landing_folder(tmp_path, good, monkeypatch, capsys):
    """An export accepted from elsewhere would be replaced again by what the folder holds."""
    from tendensen.landing.__main__ import accept

    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))  # landing_dir: tmp_path/landing
    elsewhere = tmp_path / "elsewhere" / "2021_business.csv"
    elsewhere.parent.mkdir()
    shutil.copyfile(good, elsewhere)
    assert accept([elsewhere]) == 1
    assert capsys.readouterr().out == (
        f"{elsewhere}: not in the landing folder {tmp_path / 'landing'}: move it there first\n"
    )


def test_the_summary_names_what_was_held_rejected_and_quarantined():
    exports = [
        {"file": "a.csv", "action": "unchanged", "respondents": 142, "quarantined": 0, "outcome": None},
        {"file": "b.csv", "action": "replaced", "respondents": 170, "quarantined": 3, "outcome": None},
        {
            "file": "c.csv",
            "action": "held",
            "respondents": 0,
            "quarantined": 173,
            "outcome": "c.csv: held, not landed: x",
        },
        {
            "file": "d.csv",
            "action": "rejected",
            "respondents": 0,
            "quarantined": 0,
            "outcome": "d.csv: rejected: y",
        },
    ]
    assert landing_summary(exports, ["e.xlsx: not landed: z"]).splitlines() == [
        "Landing (data/landing -> data/landed):",
        "  4 export file(s): 0 landed, 1 replaced, 1 unchanged, 1 held, 1 rejected; 3 respondent row(s) quarantined",
        "  HELD: c.csv: held, not landed: x",
        "  REJECTED: d.csv: rejected: y",
        "  quarantined: b.csv: 3 of 173 rows (staging.stg_responses__quarantine)",
        "  note: e.xlsx: not landed: z",
    ]


# --------------------------------------------------------------------------- the pipeline


def responses_by_slot(warehouse: Path) -> dict[str, set]:
    """(edition_id, audience[, export_id]) in each respondent-grain mart and the computed shares."""
    from tendensen.warehouse import connect

    with connect(warehouse) as con:

        def slots(sql: str) -> set:
            return set(con.execute(sql).fetchall())

        return {
            "dim_respondent": slots(
                "select distinct edition_id, audience, export_id from marts.dim_respondent"
            ),
            "fct_response_answers": slots(
                "select distinct edition_id, audience, export_id from marts.fct_response_answers"
            ),
            "answer_shares": slots(
                "select distinct edition_id, audience from marts.answer_shares where source = 'responses'"
            ),
            "too_large_bases": slots("""
                select s.edition_id, s.audience from marts.answer_shares s
                where s.source = 'responses' and s.n_base > (select count(*) from marts.dim_respondent r
                    where r.edition_id = s.edition_id and r.audience = s.audience)"""),
        }


def landed_export_ids(landed: Path) -> set:
    """(edition_id, audience, export_id) of the landed exports that have respondents."""
    with duckdb.connect() as con:
        return set(
            con.execute(
                "select distinct edition_id, audience, export_id from read_parquet(?)",
                [str(landed / "respondents" / "*.parquet")],
            ).fetchall()
        )


def assert_consistent(data: Path) -> set:
    """Every respondent mart and the computed shares come from the landed exports, no other."""
    found = responses_by_slot(data / "warehouse.duckdb")
    expected = landed_export_ids(data / "landed")
    assert found["dim_respondent"] == expected
    assert found["fct_response_answers"] == expected
    assert found["answer_shares"] == {(edition, audience) for edition, audience, _ in expected}
    assert found["too_large_bases"] == set()
    return expected


def test_every_respondent_model_follows_the_landings(dbt_project_copy, monkeypatch):
    """An accepted export with no landable respondent removes the one it replaced, and a
    withdrawn export leaves, from every respondent mart and from the computed shares."""
    from tendensen.landing.__main__ import accept, withdraw_slot

    data = dbt_project_copy / "data"
    monkeypatch.setenv("WAREHOUSE_PATH", str(data / "warehouse.duckdb"))
    business = data / "landing" / "2021_business_synthetic.csv"
    mangled(business, "numerical.csv", numerical_values).replace(business)
    assert accept([business]) == 0
    done = run_dbt(dbt_project_copy, "run", "source:landed+")
    assert done.returncode == 0, done.stdout
    assert {audience for _, audience, _ in assert_consistent(data)} == {"aanbieders"}

    assert withdraw_slot("2021_aanbieders") == 0
    done = run_dbt(dbt_project_copy, "run", "source:landed+")
    assert done.returncode == 0, done.stdout
    assert assert_consistent(data) == set()


def test_held_exports_stop_the_run_and_the_serving_copy_stays(warehouse_copy, monkeypatch, capsys):
    data = warehouse_copy.path.parent
    landed_before = {path: path.read_bytes() for path in (data / "landed").rglob("*.parquet")}
    serving = data / "serving" / "tendensen.duckdb"
    serving_before = serving.read_bytes()
    business = data / "landing" / "2021_business_synthetic.csv"
    mangled(business, "excel.csv", excel_ids).replace(business)
    aanbieders = data / "landing" / "2021_aanbieders_synthetic.csv"
    shutil.copyfile(aanbieders, data / "landing" / "2021_aanbieders_corrected.csv")  # a conflict
    monkeypatch.setenv("WAREHOUSE_PATH", str(data / "warehouse.duckdb"))
    from orchestration.definitions import defs
    from orchestration.run import print_landing_summary

    result = defs.resolve_job_def("add_landed_exports").execute_in_process(raise_on_error=False)
    checks = {evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()}
    assert not checks["no_held_exports"].passed
    assert (
        "2021_business_synthetic.csv: held, not landed: no landable respondent"
        in checks["no_held_exports"].description
    )
    assert (
        "2021_aanbieders_corrected.csv: held, not landed: conflict" in checks["no_held_exports"].description
    )
    materialized = {e.asset_key.to_user_string() for e in result.all_events if e.is_step_materialization}
    assert materialized == {"landing/responses"}  # nothing built on it, nothing published
    assert {path: path.read_bytes() for path in (data / "landed").rglob("*.parquet")} == landed_before
    assert serving.read_bytes() == serving_before
    assert_consistent(data)
    print_landing_summary(result)
    out = capsys.readouterr().out
    assert "3 export file(s): 0 landed, 0 replaced, 0 unchanged, 3 held, 0 rejected" in out
    assert "HELD: 2021_business_synthetic.csv: held, not landed: no landable respondent" in out
    assert "do not open it in Excel" in out
    assert (
        "HELD: 2021_aanbieders_corrected.csv: held, not landed: conflict: "
        "2021_aanbieders_corrected.csv and 2021_aanbieders_synthetic.csv are all exports of "
        "2021 aanbieders"
    ) in out


def test_an_emptied_landing_folder_brings_back_no_demo_and_names_what_stays(tmp_path, good, monkeypatch):
    """After the last export is withdrawn or deleted, the run must not land synthetic data."""
    import dagster as dg

    from orchestration.defs.landing.assets import landed_responses

    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))  # landing: tmp_path/landing
    salt_file = tmp_path / "salt"  # the salt `good` was landed with (the asset checks it)
    salt_file.write_text(SALT, encoding="utf-8")
    monkeypatch.setenv("TENDENSEN_SALT_FILE", str(salt_file))
    good.unlink()
    good.with_name(good.name + ".manifest.json").unlink()
    result = dg.materialize([landed_responses], raise_on_error=False)
    assert list((tmp_path / "landing").iterdir()) == []
    (materialization,) = result.asset_materializations_for_node("landing__responses")
    assert materialization.metadata["notes"].value == [
        "2021 business: landed, but no export of it is in the landing folder: it stays in the "
        "warehouse; to remove it: python -m tendensen.landing withdraw 2021_business"
    ]
