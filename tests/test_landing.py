"""Landing of SurveyMonkey exports: the happy path, every kind of bad input (with the exact
message a user sees), anonymisation, idempotency and replacement.

Exports are built here, cell by cell, in the documented format (two header rows, nine fixed
columns), so each test shows the input it is about. Everything runs in tmp_path.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import random
import shutil
import stat
from pathlib import Path

import duckdb
import pytest

import tendensen.landing.land as land_module
from tendensen.landing import LandingError, land_file
from tendensen.landing.anonymise import load_or_create_salt, respondent_key
from tendensen.landing.codebook import (
    CODEBOOK_DIR,
    build_codebook,
    default_codebook,
    normalise_label,
    read_csv,
)
from tendensen.landing.formats.surveymonkey import FIXED_COLUMNS, parse_header
from tendensen.landing.generate import audience_questions, generate_export
from tendensen.landing.records import RecordScanner
from tendensen.landing.salt import salt_fingerprint

SALT = "test-salt-not-secret"
NAME = "2021_business_test.csv"
BOOK = default_codebook()
Q_SIZE = BOOK.questions["org_size_worldwide"].text
Q_REASONS = BOOK.questions["ld_tech_reasons"].text
Q_CAPABILITY = BOOK.questions["ld_tech_capability"].text
Q_COMMENT = "Heb je nog opmerkingen?"
REASONS = [BOOK.label("option", "ld_tech_reasons", o) for o in BOOK.options["ld_tech_reasons"]]
ITEMS = ["Kennis en kunde", "Tijd en budget"]
ROW1 = [*FIXED_COLUMNS, Q_SIZE, Q_REASONS, *[""] * 9, Q_CAPABILITY, "", Q_COMMENT]
ROW2 = [*[""] * 9, "Response", *REASONS, *ITEMS, "Open-Ended Response"]
N_FIELDS = len(ROW1)  # 23
YES, NO = "Ja, voldoende tot zeer zeker", "Neen, helemaal niet tot onvoldoende"


def person(
    number: int,
    size="Tussen 100 en 499",
    reasons=("Efficiëntie", "Tijdswinst"),
    capability=(YES, NO),
    comment="",
) -> list[str]:
    """One respondent row; PII values are unique per number so leaks can be searched for."""
    pii = [
        str(98765432100 + number),
        "400000001",
        "06/01/2021 09:00:00 AM",
        "06/01/2021 09:10:00 AM",
        f"192.0.2.{number}",
        f"person{number}@example.invalid",
        "Jan",
        f"Tester{number}",
        f"custom-{number}",
    ]
    return [*pii, size, *[label if label in reasons else "" for label in REASONS], *capability, comment]


def write(
    directory: Path,
    rows,
    name=NAME,
    header=(ROW1, ROW2),
    encoding="utf-8",
    delimiter=",",
    prefix=b"",
    manifest=None,
) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([*header, *rows])
    path = directory / name
    path.write_bytes(prefix + buffer.getvalue().encode(encoding))
    if manifest is not None:
        path.with_name(name + ".manifest.json").write_text(json.dumps(manifest))
    return path


def land(tmp_path, path, accept=True, **kwargs):
    """Land with `accept=True` by default: the exports here have a few rows, so one
    quarantined row is more than a held export's share (tests/test_landing_integrity.py)."""
    return land_file(path, tmp_path / "landed", salt=SALT, accept=accept, **kwargs)


def rows(tmp_path, kind, stem="2021__business", columns="*"):
    with duckdb.connect() as con:
        return con.execute(
            f"select {columns} from read_parquet(?)", [str(tmp_path / "landed" / kind / f"{stem}.parquet")]
        ).fetchall()


def log_lines(tmp_path):
    with (tmp_path / "landed" / "landing_log.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def src(tmp_path):
    directory = tmp_path / "in"
    directory.mkdir()
    return directory


# --------------------------------------------------------------------------- happy path


def test_lands_answers_respondents_and_an_empty_quarantine(tmp_path, src):
    silent = person(3, size="", reasons=(), capability=("", ""))
    report = land(tmp_path, write(src, [person(1), person(2, reasons=REASONS[:3]), silent]))
    assert report.action == "landed"
    assert (report.respondents, report.answers, report.quarantined) == (3, 5 + 6, 0)
    assert report.messages == [f"{NAME}: 1 free-text (Open-Ended Response) column dropped"]
    key = respondent_key(SALT, "2021", "business", "98765432101")
    assert rows(tmp_path, "answers", columns="question_id, item_id, option_id")[:5] == [
        ("org_size_worldwide", None, "tussen_100_499"),
        ("ld_tech_reasons", None, "efficientie"),
        ("ld_tech_reasons", None, "tijdswinst"),
        ("ld_tech_capability", "kennis_kunde", "ja_voldoende"),
        ("ld_tech_capability", "tijd_budget", "neen_onvoldoende"),
    ]
    assert rows(tmp_path, "answers", columns="respondent_key, edition_id, audience, is_synthetic, export_id")[
        0
    ] == (key, "2021", "business", False, hashlib.sha256((src / NAME).read_bytes()).hexdigest())
    respondents = rows(tmp_path, "respondents", columns="respondent_key, language, is_synthetic")
    assert len(respondents) == 3 and respondents[0] == (key, "nl", False)  # the silent one too
    assert rows(tmp_path, "quarantine") == []
    with duckdb.connect() as con:
        schema = con.execute(
            "describe select * from read_parquet(?)",
            [str(tmp_path / "landed/quarantine/2021__business.parquet")],
        ).fetchall()
    assert [(c[0], c[1]) for c in schema] == [
        ("export_id", "VARCHAR"),
        ("export_file", "VARCHAR"),
        ("row_number", "INTEGER"),
        ("column_number", "INTEGER"),
        ("column_name", "VARCHAR"),
        ("redacted_value", "VARCHAR"),
        ("reason", "VARCHAR"),
        ("landing_id", "VARCHAR"),
    ]
    (line,) = log_lines(tmp_path)
    assert (
        line["export_file"],
        line["action"],
        line["respondents"],
        line["answers"],
        line["quarantined"],
    ) == (NAME, "landed", "3", "11", "0")


def test_french_labels_map_to_the_same_ids_and_set_the_language(tmp_path, src):
    french = person(
        1,
        size="Entre 100 et 499",
        reasons=(),
        capability=("Oui, suffisamment à tout à fait", "Non, pas du tout à insuffisamment"),
    )
    french[10 + REASONS.index("Efficiëntie")] = "Efficience"  # the Dutch column, French cell
    land(tmp_path, write(src, [french, person(2)]))
    assert rows(tmp_path, "respondents", columns="language") == [("fr",), ("nl",)]
    assert rows(tmp_path, "answers", columns="option_id")[:4] == [
        ("tussen_100_499",),
        ("efficientie",),
        ("ja_voldoende",),
        ("neen_onvoldoende",),
    ]


def test_a_french_header_lands_like_a_dutch_one(tmp_path, src):
    fr = lambda kind, q, i: BOOK.label(kind, q, i, "fr")  # noqa: E731
    row1 = [
        *FIXED_COLUMNS,
        fr("question", "org_size_worldwide", "org_size_worldwide"),
        fr("question", "ld_tech_reasons", "ld_tech_reasons"),
        *[""] * 9,
        fr("question", "ld_tech_capability", "ld_tech_capability"),
        "",
        "Remarques ?",
    ]
    row2 = [
        *[""] * 9,
        "Response",
        *[fr("option", "ld_tech_reasons", o) for o in BOOK.options["ld_tech_reasons"]],
        "Connaissances et savoir-faire",
        "Temps et budget",
        "Open-Ended Response",
    ]
    report = land(tmp_path, write(src, [person(1)], header=(row1, row2)))
    assert report.action == "landed" and report.answers == 5


def test_header_matching_forgives_whitespace_case_and_trailing_punctuation_only(tmp_path, src):
    row1 = list(ROW1)
    row1[9] = "  hoeveel  MEDEWERKERS telt jouw hele organisatie wereldwijd "  # no '?'
    assert land(tmp_path, write(src, [person(1)], header=(row1, ROW2))).action == "landed"
    row1[9] = "Hoeveel medewerkers telt jouw organisatie?"  # other words: not the same question
    report = land(tmp_path, write(src, [person(1)], header=(row1, ROW2), name="2021_business_b.csv"))
    assert report.action == "rejected"
    assert normalise_label("Dans quel secteur travaillez-vous ?") == normalise_label(
        "dans  quel secteur travaillez-vous"
    )


def test_respondent_key_is_the_salted_sha256_of_edition_audience_and_id():
    expected = hashlib.sha256(b"pepper" + b"2021" + b"business" + b"123").hexdigest()
    assert respondent_key("pepper", "2021", "business", "123") == expected


def test_salt_file_is_created_once_with_owner_only_permissions(tmp_path):
    path = tmp_path / "secrets" / "landing_salt"
    salt = load_or_create_salt(path)
    assert len(salt) == 64 and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_salt(path) == salt


# --------------------------------------------------------------------------- bad input: whole file


def test_semicolon_delimiter_is_rejected(tmp_path, src):
    report = land(tmp_path, write(src, [person(1)], delimiter=";"))
    assert report.action == "rejected"
    assert report.messages == [
        f'{NAME}, row 1: rejected: fields are separated by semicolons (";"), not by commas; '
        "SurveyMonkey CSV exports use commas: export again as CSV and do not re-save the file "
        "in Excel"
    ]
    assert not (tmp_path / "landed" / "answers").exists()
    assert not (tmp_path / "landed" / "respondents").exists()
    (line,) = log_lines(tmp_path)
    assert line["action"] == "rejected" and line["message"] == report.messages[0]


def test_tab_delimiter_is_rejected(tmp_path, src):
    report = land(tmp_path, write(src, [person(1)], delimiter="\t"))
    assert report.messages == [
        f"{NAME}, row 1: rejected: fields are separated by tabs, not by commas; SurveyMonkey "
        "CSV exports use commas: export again as CSV and do not re-save the file in Excel"
    ]


def test_utf8_bom_is_stripped_and_reported(tmp_path, src):
    report = land(tmp_path, write(src, [person(1)], prefix=b"\xef\xbb\xbf"))
    assert report.action == "landed" and report.respondents == 1
    assert f"{NAME}: UTF-8 byte order mark (BOM) found and stripped" in report.messages


def test_cp1252_is_decoded_and_reported(tmp_path, src):
    report = land(tmp_path, write(src, [person(1)], encoding="cp1252"))
    assert report.action == "landed"
    assert f"{NAME}: decoded as cp1252 (not UTF-8)" in report.messages
    assert ("efficientie",) in rows(tmp_path, "answers", columns="option_id")  # 'Efficiëntie'


def test_missing_second_header_row_is_rejected(tmp_path, src):
    report = land(tmp_path, write(src, [person(1), person(2)], header=(ROW1,)))
    assert report.messages == [
        f'{NAME}, row 2, column 1 "Respondent ID": rejected: missing second header row: row 2 '
        "has a Respondent ID, so it is a respondent, not the row of answer labels; "
        "SurveyMonkey exports have two header rows"
    ]


@pytest.mark.parametrize("extra", [ROW2, ROW1], ids=["labels-twice", "questions-twice"])
def test_extra_header_row_is_rejected(tmp_path, src, extra):
    report = land(tmp_path, write(src, [person(1)], header=(ROW1, ROW2, extra)))
    assert report.messages == [
        f"{NAME}, row 3: rejected: extra header row: it has no Respondent ID and repeats "
        "header labels; SurveyMonkey exports have exactly two header rows"
    ]


def test_unknown_question_is_rejected_naming_the_column(tmp_path, src):
    row1 = list(ROW1)
    row1[9] = "Hoeveel koffie drink je per dag?"
    report = land(tmp_path, write(src, [person(1)], header=(row1, ROW2)))
    assert report.action == "rejected"
    assert report.messages == [
        f'{NAME}, row 1, column 10 "Hoeveel koffie drink je per dag?": rejected: unknown '
        "question: not in seeds/codebook/questions.csv nor seeds/codebook/label_variants.csv"
    ]


def test_unknown_option_label_in_the_header_is_rejected(tmp_path, src):
    row2 = list(ROW2)
    row2[11] = "Gratis koffie"
    report = land(tmp_path, write(src, [person(1)], header=(ROW1, row2)))
    assert report.messages == [
        f'{NAME}, row 2, column 12 "{Q_REASONS} | Gratis koffie": rejected: unknown option '
        'label for multi-choice question "ld_tech_reasons"'
    ]


def test_free_text_of_unknown_questions_is_dropped_not_rejected(tmp_path, src):
    """Q_COMMENT is in no codebook: its column is Open-Ended Response, so it is dropped."""
    assert land(tmp_path, write(src, [person(1, comment="vrij")])).action == "landed"


def test_empty_file_is_rejected(tmp_path, src):
    (src / NAME).write_bytes(b"")
    report = land(tmp_path, src / NAME)
    assert report.messages == [f"{NAME}: rejected: file is empty"]
    assert report.export_id == hashlib.sha256(b"").hexdigest()
    assert log_lines(tmp_path)[0]["action"] == "rejected"


def test_header_without_respondents_is_rejected(tmp_path, src):
    report = land(tmp_path, write(src, []))
    assert report.messages == [f"{NAME}: rejected: no respondent rows after the two header rows"]


def test_utf16_is_rejected(tmp_path, src):
    report = land(tmp_path, write(src, [person(1)], encoding="utf-16"))
    assert report.messages == [
        f"{NAME}: rejected: file is UTF-16 encoded; SurveyMonkey CSV exports are UTF-8: export "
        "again as CSV and do not re-save the file in Excel"
    ]


def test_edition_and_audience_come_from_the_name_or_the_manifest(tmp_path, src):
    report = land(tmp_path, write(src, [person(1)], name="export.csv"))
    assert report.messages == [
        "export.csv: rejected: cannot tell edition and audience: name the file "
        "<edition_id>_<audience>[_anything].csv (e.g. 2021_business.csv) or add "
        "export.csv.manifest.json"
    ]
    report = land(
        tmp_path,
        write(
            src,
            [person(1)],
            name="export.csv",
            manifest={"edition_id": "2020-04", "audience": "aanbieders", "is_synthetic": True},
        ),
    )
    assert (report.action, report.edition_id, report.audience) == ("landed", "2020-04", "aanbieders")
    assert rows(tmp_path, "respondents", "2020-04__aanbieders", "is_synthetic") == [(True,)]
    report = land(
        tmp_path, write(src, [person(1)], name="2021_business_x.csv", manifest={"audience": "aanbieders"})
    )
    assert report.messages == [
        '2021_business_x.csv: rejected: the manifest says audience "aanbieders" but the file '
        'name says "business"'
    ]
    report = land(tmp_path, write(src, [person(1)], name="2021_klanten.csv"))
    assert report.messages == [
        '2021_klanten.csv: rejected: unknown audience "klanten" (known: aanbieders, business, '
        "werkgevers, werknemers)"
    ]


def test_missing_file_is_reported_not_raised(tmp_path):
    report = land(tmp_path, tmp_path / "2021_business_missing.csv")
    assert report.action == "rejected"
    assert report.messages == [
        "2021_business_missing.csv: rejected: cannot read the file (No such file or directory)"
    ]


def test_landing_error_carries_file_row_and_column():
    error = LandingError("broken", file="f.csv", row=3, column=12, column_name="Vraag | Response")
    assert (error.file, error.row, error.column) == ("f.csv", 3, 12)
    assert str(error) == 'f.csv, row 3, column 12 "Vraag | Response": rejected: broken'


# --------------------------------------------------------------------------- bad input: one row


def test_unknown_answer_label_quarantines_that_row_only(tmp_path, src):
    report = land(tmp_path, write(src, [person(1), person(2, size="Ongeveer 300"), person(3)]))
    assert (report.action, report.respondents, report.quarantined) == ("landed", 2, 1)
    reason = 'unknown answer label for question "org_size_worldwide"'
    assert f'{NAME}, row 4, column 10 "{Q_SIZE} | Response": quarantined: {reason}' in report.messages
    assert rows(
        tmp_path,
        "quarantine",
        columns="export_file, row_number, column_number, column_name, redacted_value, reason",
    ) == [(NAME, 4, 10, f"{Q_SIZE} | Response", "(redacted: text of 12 character(s))", reason)]
    assert len(rows(tmp_path, "respondents")) == 2


def test_duplicate_respondent_id_keeps_the_first(tmp_path, src):
    report = land(tmp_path, write(src, [person(1), person(2), person(1, size="Minder dan 100")]))
    assert (report.respondents, report.quarantined) == (2, 1)
    assert rows(
        tmp_path, "quarantine", columns="row_number, column_number, column_name, redacted_value, reason"
    ) == [(5, 1, "Respondent ID", None, "duplicate Respondent ID (first seen on row 3)")]
    assert (
        f'{NAME}, row 5, column 1 "Respondent ID": quarantined: duplicate Respondent ID '
        "(first seen on row 3)" in report.messages
    )


def test_truncated_last_line_is_quarantined(tmp_path, src):
    path = write(src, [person(1)])
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(",".join(person(2)[:5]))  # row 4 stops after IP Address, no line end
    report = land(tmp_path, path)
    assert (report.respondents, report.quarantined) == (1, 1)
    assert rows(
        tmp_path, "quarantine", columns="row_number, column_number, column_name, redacted_value, reason"
    ) == [(4, 6, "Email Address", None, f"truncated line: 5 of {N_FIELDS} fields")]
    assert (
        f'{NAME}, row 4, column 6 "Email Address": quarantined: truncated line: 5 of '
        f"{N_FIELDS} fields" in report.messages
    )


def test_more_ticks_than_max_choices_is_quarantined(tmp_path, src):
    report = land(tmp_path, write(src, [person(1, reasons=REASONS[:4]), person(2)]))
    assert (report.respondents, report.quarantined) == (1, 1)
    column_name = f"{Q_REASONS} | {REASONS[3]}"
    reason = '4 options ticked for question "ld_tech_reasons" (max_choices 3)'
    assert rows(
        tmp_path, "quarantine", columns="row_number, column_number, column_name, redacted_value, reason"
    ) == [(3, 14, column_name, REASONS[3], reason)]
    assert f'{NAME}, row 3, column 14 "{column_name}": quarantined: {reason}' in report.messages


@pytest.mark.parametrize(
    "cell",
    ["=SUM(A1:A9)", "+32 470 00 00 00", "-1", "@IMPORT('x')", '=HYPERLINK("http://example.invalid","klik")'],
)
def test_formula_like_unknown_cells_are_quarantined_redacted(tmp_path, src, cell):
    report = land(tmp_path, write(src, [person(1, size=cell)]))
    assert report.quarantined == 1
    reason = (
        'unknown answer label for question "org_size_worldwide"; the cell starts with '
        f'"{cell[0]}" and is kept as text, never evaluated'
    )
    assert rows(tmp_path, "quarantine", columns="redacted_value, reason") == [
        (f"(redacted: text of {len(cell)} character(s))", reason)
    ]
    # the log is a CSV that people open in spreadsheets: nothing in it starts a formula
    assert not any(
        value.startswith(("=", "+", "-", "@")) for line in log_lines(tmp_path) for value in line.values()
    )


@pytest.mark.parametrize("label", ["=10000+", "+10000", "-10000 (min)", "@10000"])
def test_formula_like_known_labels_land_as_text(tmp_path, src, label):
    codebook_dir = tmp_path / "codebook"
    shutil.copytree(CODEBOOK_DIR, codebook_dir)
    with (codebook_dir / "label_variants.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["option", "org_size_worldwide", "", "10000_of_meer", "nl", label]
        )
    report = land(tmp_path, write(src, [person(1, size=label)]), codebook=build_codebook(codebook_dir))
    assert (report.respondents, report.quarantined) == (1, 0)
    assert rows(tmp_path, "answers", columns="option_id")[0] == ("10000_of_meer",)


def test_row_numbers_are_lines_of_the_file_even_after_multiline_free_text(tmp_path, src):
    rows_in = [person(1, comment="regel een\nregel twee\nregel drie"), person(2, size="??")]
    report = land(tmp_path, write(src, rows_in))
    assert rows(tmp_path, "quarantine", columns="row_number") == [(6,)]  # 3 lines + header 2
    assert report.respondents == 1


# --------------------------------------------------------------------------- anonymisation


def test_no_personal_data_or_free_text_is_written_anywhere(tmp_path, src):
    people = [person(n, comment=f"Geheime opmerking {n}") for n in range(1, 6)]
    people.append(person(1, comment="Geheime opmerking dubbel"))  # duplicate -> quarantined
    bad = person(7, comment="Geheime opmerking zeven")
    bad[9] = "Onbekend"  # quarantined: only this cell may be written
    people.append(bad)
    people.append(person(8)[:7])  # truncated: the cut line holds PII
    report = land(tmp_path, write(src, people))
    assert (report.respondents, report.quarantined) == (5, 3)
    secrets = [value for row in people for value in row[:9] if value not in ("", "400000001")]
    secrets = [s for s in secrets if not s.startswith("06/01/2021")] + [
        "Geheime opmerking",
        "400000001",
        "06/01/2021",
        "Jan",
    ]
    written = b"".join(p.read_bytes() for p in (tmp_path / "landed").rglob("*") if p.is_file())
    for secret in secrets:
        assert secret.encode() not in written, secret
    with duckdb.connect() as con:
        values = con.execute(
            """
            select string_agg(coalesce(redacted_value, '') || column_name || reason, ' ')
            from read_parquet(?)""",
            [str(tmp_path / "landed/quarantine/2021__business.parquet")],
        ).fetchone()[0]
    assert "Onbekend" not in values and not any(secret in values for secret in secrets)
    assert "(redacted: text of 8 character(s))" in values


@pytest.mark.parametrize(
    "typed",
    ["jan.peeters@example.invalid", "Jan Peeters", "+32 470 12 34 56", "BE71 0961 2345 6769", "192.0.2.44"],
)
def test_free_text_typed_into_an_answer_column_is_never_stored(tmp_path, src, typed):
    report = land(tmp_path, write(src, [person(1), person(2, size=typed)]))
    assert (report.respondents, report.quarantined) == (1, 1)
    assert rows(tmp_path, "quarantine", columns="row_number, column_number, redacted_value") == [
        (4, 10, f"(redacted: text of {len(typed)} character(s))")
    ]
    written = b"".join(p.read_bytes() for p in (tmp_path / "landed").rglob("*") if p.is_file())
    assert typed.encode() not in written
    assert not any(typed in message for message in report.messages)


def test_a_number_in_an_answer_column_keeps_its_shape_only(tmp_path, src):
    land(tmp_path, write(src, [person(1, size="3")]))  # a "Numerical value" export's cell
    assert rows(tmp_path, "quarantine", columns="redacted_value") == [("(redacted: a number of 1 digit(s))",)]


# --------------------------------------------------------------------------- idempotency


def test_landing_the_same_file_twice_is_unchanged(tmp_path, src):
    path = write(src, [person(1), person(2)])
    first = land(tmp_path, path)
    landed = tmp_path / "landed" / "answers" / "2021__business.parquet"
    before = (landed.stat().st_mtime_ns, landed.read_bytes())
    again = land(tmp_path, path)
    assert again.action == "unchanged"
    assert (again.respondents, again.answers, again.quarantined) == (2, first.answers, 0)
    assert again.messages == [
        f"{NAME}: unchanged: export {first.export_id} is already landed for 2021 business; nothing rewritten"
    ]
    assert (landed.stat().st_mtime_ns, landed.read_bytes()) == before
    assert [line["action"] for line in log_lines(tmp_path)] == ["landed", "unchanged"]


def settle(path: Path, seconds_ago: int = 60) -> None:
    """Date the file back, as an export that has sat in the landing folder for a while."""
    past = os.stat(path).st_mtime_ns - seconds_ago * 1_000_000_000
    os.utime(path, ns=(past, past))


def test_a_settled_unchanged_export_is_not_read_again(tmp_path, src, monkeypatch):
    path = write(src, [person(1), person(2)])
    settle(path)
    first = land(tmp_path, path)
    monkeypatch.setattr(
        "tendensen.landing.land.probe_file",
        lambda *args: pytest.fail("an unchanged export was hashed again"),
    )
    again = land(tmp_path, path)
    assert (again.action, again.export_id, again.respondents) == ("unchanged", first.export_id, 2)
    assert again.messages == [
        f"{NAME}: unchanged (size, modification time and inode as when it was hashed): export "
        f"{first.export_id} is already landed for 2021 business; nothing rewritten"
    ]


def test_a_touched_or_fresh_export_is_hashed_again(tmp_path, src, monkeypatch):
    path = write(src, [person(1), person(2)])
    first = land(tmp_path, path)  # modified just now: not trusted by size and time
    hashed = []
    real_probe = land_module.probe_file
    monkeypatch.setattr(
        "tendensen.landing.land.probe_file", lambda *args: hashed.append(args) or real_probe(*args)
    )
    assert land(tmp_path, path).action == "unchanged" and len(hashed) == 1
    settle(path)  # touched: the size is the same, the time is not
    assert land(tmp_path, path).action == "unchanged" and len(hashed) == 2
    assert land(tmp_path, path).action == "unchanged" and len(hashed) == 2  # settled now
    assert first.export_id in (tmp_path / "landed" / "export_stats.json").read_text()


def test_a_same_size_rewrite_keeping_the_time_needs_force(tmp_path, src):
    """The quick check's known limit (as rsync's): content changed, size and time restored."""
    path = write(src, [person(1)])
    settle(path)
    stat = os.stat(path)
    first = land(tmp_path, path)
    content = path.read_bytes().replace(b"400000001", b"400000009")
    assert len(content) == stat.st_size
    with open(path, "r+b") as handle:  # in place: same inode
        handle.write(content)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert land(tmp_path, path).action == "unchanged"
    forced = land(tmp_path, path, force=True)
    assert forced.action == "replaced" and forced.export_id != first.export_id


def test_a_different_export_replaces_the_landed_one(tmp_path, src):
    first = land(tmp_path, write(src, [person(1), person(2), person(3, size="?")]))
    second = land(tmp_path, write(src, [person(4)], name="2021_business_later.csv"))
    assert second.action == "replaced" and second.replaced_export_id == first.export_id
    message = f"2021_business_later.csv: replaced export {first.export_id} of 2021 business"
    assert message in second.messages
    assert log_lines(tmp_path)[-1]["message"].endswith(message)
    for kind in ("answers", "respondents"):
        assert rows(tmp_path, kind, columns="distinct export_id") == [(second.export_id,)]
    assert rows(tmp_path, "quarantine") == []  # the old quarantine is gone with its export
    assert not list((tmp_path / "landed").glob(".landing-*"))  # no temporary files left


def test_a_rejected_file_leaves_the_landed_export_alone(tmp_path, src):
    good = land(tmp_path, write(src, [person(1)]))
    bad = land(tmp_path, write(src, [person(2)], name="2021_business_bad.csv", delimiter=";"))
    assert bad.action == "rejected"
    assert rows(tmp_path, "respondents", columns="export_id") == [(good.export_id,)]


def test_force_relands_an_unchanged_file(tmp_path, src):
    path = write(src, [person(1)])
    land(tmp_path, path)
    assert land(tmp_path, path, force=True).action == "replaced"


# --------------------------------------------------------------------------- label_variants seed


def test_label_variants_repeat_the_dutch_codebook_and_translate_every_generated_label():
    variants = read_csv(CODEBOOK_DIR / "label_variants.csv")
    have = {
        (
            r["kind"],
            r["question_id"],
            r["item_id"] or r["option_id"] or r["question_id"],
            r["language"],
            r["label"],
        )
        for r in variants
    }
    ids = {key[:4] for key in have}
    questions = sorted(set(audience_questions("business")) | set(audience_questions("aanbieders")))
    for question_id in questions:
        entries = [("question", question_id, question_id)]
        entries += [("item", question_id, i) for i in BOOK.items.get(question_id, [])]
        entries += [("option", question_id, o) for o in BOOK.options.get(question_id, [])]
        for kind, q, id_ in entries:
            dutch = BOOK.labels[(kind, q, id_, "nl")][0]
            assert (kind, q, id_, "nl", dutch) in have, (kind, q, id_)
            assert (kind, q, id_, "fr") in ids, (kind, q, id_)
    subtotals = {(q, o) for q, options in BOOK.subtotals.items() for o in options}
    assert not any((r["question_id"], r["option_id"]) in subtotals for r in variants)


def test_label_variants_seed_is_documented(tmp_path):
    text = (CODEBOOK_DIR / "_label_variants.yml").read_text(encoding="utf-8")
    assert text.startswith("version: 2") and "- name: label_variants" in text
    for column in ("kind", "question_id", "item_id", "option_id", "language", "label"):
        assert f"- name: {column}\n" in text and f"        {column}: varchar" in text


def test_added_sector_option_completes_the_published_sector_shares():
    options = read_csv(CODEBOOK_DIR / "options.csv")
    assert {
        "question_id": "sector",
        "option_id": "andere",
        "option_label": "Andere sector",
        "option_order": "6",
        "is_subtotal": "false",
        "subtotal_option_id": "",
    } in options


# --------------------------------------------------------------------------- reading the body
# DuckDB reads the body (tendensen/landing/body.py) where the record index says it reads
# the file as the csv module does (records.py); everything else goes through a canonical copy
# written by the csv module. Both ways must give the same files and messages.


def tricky_rows() -> list:
    """Respondent rows with everything that moves line numbers or needs a second look."""
    return [
        person(1, comment="regel een\r\nregel twee\nregel drie"),  # lines 3-5
        None,  # blank line 6
        person(2, size="Ongeveer 300", comment='zegt "hoi", ok\n='),  # 7-8, unknown label
        person(3, size="  TUSSEN 100 EN 499 ?"),  # 9: matched after normalisation
        person(1, comment="dubbel\n"),  # 10-11: duplicate of row 3
        person(4, reasons=REASONS[:4], comment="a\n\nb"),  # 12-14: too many ticks
        person(5)[:12],  # 15: truncated
        [*person(6), "extra", ""],  # 16: too many fields
        person(
            7,
            size="Entre 100 et 499",
            reasons=(),
            capability=(  # 17: French
                "Oui, suffisamment à tout à fait",
                "Non, pas du tout à insuffisamment",
            ),
        ),
        None,  # 18
    ]


def write_rows(directory: Path, rows_in, name=NAME, terminator="\r\n", encoding="utf-8") -> Path:
    """Like write(), but None is a blank line."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=terminator)
    writer.writerows([ROW1, ROW2])
    for row in rows_in:
        if row is None:
            buffer.write(terminator)
        else:
            writer.writerow(row)
    path = directory / name
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def landed(tmp_path, stem="2021__business"):
    return {kind: rows(tmp_path, kind, stem) for kind in ("answers", "respondents", "quarantine")}


TRICKY_QUARANTINE = [
    (
        7,
        10,
        f"{Q_SIZE} | Response",
        "(redacted: text of 12 character(s))",
        'unknown answer label for question "org_size_worldwide"',
    ),
    (10, 1, "Respondent ID", None, "duplicate Respondent ID (first seen on row 3)"),
    (
        12,
        14,
        f"{Q_REASONS} | {REASONS[3]}",
        REASONS[3],
        '4 options ticked for question "ld_tech_reasons" (max_choices 3)',
    ),
    (15, 13, f"{Q_REASONS} | {REASONS[2]}", None, f"truncated line: 12 of {N_FIELDS} fields"),
    (16, N_FIELDS + 1, None, None, f"too many fields: {N_FIELDS + 2} instead of {N_FIELDS}"),
]


def test_line_numbers_blank_lines_and_row_problems_of_a_tricky_file(tmp_path, src):
    report = land(tmp_path, write_rows(src, tricky_rows()))
    assert (report.action, report.respondents, report.quarantined) == ("landed", 3, 5)
    assert report.messages[:3] == [
        f"{NAME}, row 6: blank line skipped",
        f"{NAME}, row 18: blank line skipped",
        f"{NAME}: 1 free-text (Open-Ended Response) column dropped",
    ]
    assert (
        rows(tmp_path, "quarantine", columns="row_number, column_number, column_name, redacted_value, reason")
        == TRICKY_QUARANTINE
    )
    keys = [respondent_key(SALT, "2021", "business", str(98765432100 + n)) for n in (1, 3, 7)]
    assert rows(tmp_path, "respondents", columns="respondent_key, language") == [
        (keys[0], "nl"),
        (keys[1], "nl"),
        (keys[2], "fr"),
    ]
    assert rows(tmp_path, "answers", columns="respondent_key, option_id")[5:7] == [
        (keys[1], "tussen_100_499"),
        (keys[1], "efficientie"),
    ]


@pytest.mark.parametrize("variant", ["lf", "cp1252", "lone-cr", "stray-quote", "index-off"])
def test_both_ways_of_reading_the_body_give_the_same_result(tmp_path, src, monkeypatch, variant):
    """The same rows read by DuckDB from the export itself and from a csv-module copy (forced
    by an encoding, line break or quote DuckDB would read differently) land identically."""
    direct = land(tmp_path / "direct", write_rows(src, tricky_rows(), name="2021_business_a.csv"))
    rows_in = tricky_rows()
    kwargs = {}
    if variant == "lf":  # the index still applies: another line break
        kwargs["terminator"] = "\n"
    elif variant == "cp1252":
        kwargs["encoding"] = "cp1252"
    elif variant == "lone-cr":  # a line break the csv module counts, inside a dropped cell
        rows_in[0][-1] = "regel een\rregel twee\nregel drie"
    elif variant == "stray-quote":  # a quote inside an unquoted cell: literal for the csv module
        rows_in[-2][-1] = '5" scherm'
    else:
        monkeypatch.setattr("tendensen.landing.records.RecordScanner.finish", lambda self, path: None)
    other = land(tmp_path / "other", write_rows(src, rows_in, name="2021_business_b.csv", **kwargs))

    def strip(report):
        return [m.replace("_b.csv", "_a.csv") for m in report.messages if "decoded as cp1252" not in m]

    assert strip(other) == direct.messages
    assert (other.respondents, other.answers, other.quarantined) == (
        direct.respondents,
        direct.answers,
        direct.quarantined,
    )
    mine, theirs = landed(tmp_path / "other"), landed(tmp_path / "direct")
    assert mine["answers"] == [
        a[:-2] + (other.export_id, f"{other.export_id}:{salt_fingerprint(SALT)}") for a in theirs["answers"]
    ]
    # export_id and export_file (first) and landing_id (last, export_id:salt) name the file
    assert [q[2:-1] for q in mine["quarantine"]] == [q[2:-1] for q in theirs["quarantine"]]


def test_answers_keep_file_and_column_order_beyond_one_duckdb_vector(tmp_path):
    """Answers per respondent in column order, respondents in file order, also for thousands
    of rows, some of them with labels that only match after normalisation."""
    path = generate_export(tmp_path / "2021_aanbieders_order.csv", "2021", "aanbieders", 3000, seed=3)
    with path.open(encoding="utf-8", newline="") as handle:
        row1, row2, *body = list(csv.reader(handle))
    for row in body[::7]:  # every 7th respondent: a variant spelling of a label
        for index in range(len(FIXED_COLUMNS), len(row)):
            if row[index] and row2[index] == "Response":
                row[index] = "  " + row[index].upper() + " ?"
                break
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows([row1, row2, *body])
    report = land_file(path, tmp_path / "landed", salt=SALT)
    assert (report.action, report.respondents, report.quarantined) == ("landed", 3000, 0)
    layout = parse_header(row1, row2, BOOK, path.name)
    expected = []
    for row in body:
        key = respondent_key(SALT, "2021", "aanbieders", row[0])
        for column in layout.answer_columns:
            value = row[column.number - 1]
            if value:
                option = column.option_id or BOOK.match_option(column.question_id, value).id
                expected.append((key, column.question_id, column.item_id, option))
    got = rows(tmp_path, "answers", "2021__aanbieders", "respondent_key, question_id, item_id, option_id")
    assert got == expected
    assert [r[0] for r in rows(tmp_path, "respondents", "2021__aanbieders", "respondent_key")] == list(
        dict.fromkeys(e[0] for e in expected)
    )


def test_respondent_ids_are_stripped_and_checked_as_python_strings(tmp_path, src):
    people = [person(1), person(2), person(3), person(4), person(5)]
    people[0][0] = "\u00a0 98765432101\u2003"  # Unicode whitespace around: stripped
    people[1][0] = "\u0663\u0664\u0665"  # Arabic-Indic digits: a number to str.isdigit()
    people[2][0] = "1.23457E+10"  # Excel's rendering: not a number, and said why
    people[3][0] = "  "
    report = land(tmp_path, write(src, people))
    assert (report.respondents, report.quarantined) == (3, 2)
    assert [k for (k,) in rows(tmp_path, "respondents", columns="respondent_key")] == [
        respondent_key(SALT, "2021", "business", rid)
        for rid in ("98765432101", "\u0663\u0664\u0665", "98765432105")
    ]
    assert rows(tmp_path, "quarantine", columns="row_number, reason") == [
        (5, "Respondent ID in scientific notation, as Excel writes long numbers"),
        (6, "missing Respondent ID"),
    ]


def test_only_blank_lines_after_the_header_is_rejected_after_listing_them(tmp_path, src):
    report = land(tmp_path, write_rows(src, [None, None]))
    assert report.messages == [
        f"{NAME}, row 3: blank line skipped",
        f"{NAME}, row 4: blank line skipped",
        f"{NAME}: rejected: no respondent rows after the two header rows",
    ]


def test_record_index_matches_the_csv_module(tmp_path):
    """Random CSV-like bytes fed in random small pieces: the index gives the lines where the
    csv module starts each record (and the blank lines), or declines (None) exactly for
    files the two readers could read differently."""
    pieces = [
        "a",
        ",",
        ",",
        "\r\n",
        "\n",
        '"x"',
        '"a""b"',
        '"m\nl"',
        '"m\r\nl"',
        " ",
        "é",
        "\r\n\r\n",
        "\n\n",
        '"',
        "\r",
        'x"y',
        '""',
    ]
    rng = random.Random(5)
    for _ in range(3000):
        data = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 25))).encode()
        if rng.random() < 0.1:
            data = codecs.BOM_UTF8 + data
        scanner = RecordScanner()
        for start in range(0, len(data), step := rng.randrange(1, 6)):
            scanner.feed(data[start : start + step])
        index = scanner.finish(tmp_path / "x.csv")
        text = data.decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text, newline=""))
        starts, blanks, line = [], [], 1
        for fields in reader:
            (starts if fields else blanks).append(line)
            line = reader.line_num + 1
        assert (index is not None) == rfc4180(text), data
        if index is not None:
            assert (index.lines.tolist(), index.blank_lines) == (starts, blanks), data


def rfc4180(text: str) -> bool:
    """No lone carriage return, and quotes only around whole fields (doubled inside them)."""
    if "\r" in text.replace("\r\n", ""):
        return False
    position, field_start = 0, True
    while position < len(text):
        if field_start and text[position] == '"':
            end = position + 1
            while True:
                end = text.find('"', end)
                if end < 0:
                    return False  # never closed
                if text[end + 1 : end + 2] == '"':
                    end += 2
                    continue
                break
            if text[end + 1 : end + 2] not in ("", ",", "\r", "\n"):
                return False
            position, field_start = end + 1, False
            continue
        if text[position] == '"':
            return False
        field_start = text[position] in ",\n"
        position += 1
    return True
