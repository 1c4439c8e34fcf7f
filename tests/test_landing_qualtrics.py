"""Landing of Qualtrics CSV exports (tendensen/landing/formats/qualtrics.py): a generated
export lands exactly as the SurveyMonkey export of the same draw, and every kind of bad input
gets the message a user needs. Exports are generated (tendensen/landing/generate_qualtrics.py)
and edited cell by cell; everything runs in tmp_path."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tendensen.landing import land_file
from tendensen.landing.anonymise import respondent_key
from tendensen.landing.codebook import CODEBOOK_DIR, build_codebook, default_codebook
from tendensen.landing.formats.qualtrics import FIXED_COLUMNS, parse_header
from tendensen.landing.generate import Tool, generate_demo_export, generate_export, main
from tendensen.landing.personal_data import personal_data_found
from tendensen.summary import landing_summary

SALT = "test-salt-not-secret"
BOOK = default_codebook()
QUESTIONS = ["org_size_worldwide", "ld_tech_reasons", "ld_tech_capability", "sector"]
QUALTRICS = Tool("qualtrics")
RESPONSE_ID = FIXED_COLUMNS.index("ResponseId")  # 0-based
UNFINISHED_MESSAGE = "kept apart, not landed and not counted in the shares: unfinished responses"


def export(directory: Path, n=60, name="2021_business_q.csv", tool=QUALTRICS, seed=4) -> Path:
    return generate_export(
        directory / name, "2021", "business", n, seed, QUESTIONS, skip_share=0, french_share=0.2, tool=tool
    )


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def lines(path: Path) -> list[int]:
    """The line where each record starts (free text with line breaks spans several)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader, starts, line = csv.reader(handle), [], 1
        for _ in reader:
            starts.append(line)
            line = reader.line_num + 1
    return starts


def rewrite(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def column(rows: list[list[str]], question_id: str, suffix: str = "") -> int:
    """0-based index of the first column whose row-2 text is the question's text (+ suffix)."""
    text = BOOK.questions[question_id].text
    return next(i for i, cell in enumerate(rows[1]) if cell.startswith(text + suffix))


def land(tmp_path: Path, path: Path, **kwargs):
    return land_file(path, tmp_path / "landed", salt=SALT, **kwargs)


def landed(tmp_path: Path, kind: str, columns: str, stem: str = "2021__business") -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(
            f"select {columns} from read_parquet(?)", [str(tmp_path / "landed" / kind / f"{stem}.parquet")]
        ).fetchall()


# --------------------------------------------------------------------------- same draw, same rows


@pytest.mark.parametrize("split_multi", [False, True], ids=["joined-multi", "split-multi"])
def test_a_qualtrics_export_lands_as_the_surveymonkey_export_of_the_same_draw(tmp_path, split_multi):
    """The demo's exact answers for 142 Aanbieders, written by both tools (Qualtrics with an
    unfinished response after every 20th): the same answer rows, languages and so shares."""
    paths = {
        tool: generate_demo_export(
            tmp_path / tool / "2021_aanbieders_synthetic.csv",
            "aanbieders",
            142,
            seed=2021,
            tool=Tool(tool, split_multi, 20) if tool == "qualtrics" else Tool(),
        )
        for tool in ("surveymonkey", "qualtrics")
    }
    reports = {tool: land_file(path, tmp_path / tool / "landed", salt=SALT) for tool, path in paths.items()}
    assert [(r.action, r.respondents, r.quarantined) for r in reports.values()] == [("landed", 142, 0)] * 2
    assert reports["qualtrics"].answers == reports["surveymonkey"].answers > 6000
    assert (reports["surveymonkey"].kept_apart, reports["qualtrics"].kept_apart) == (0, 7)
    with duckdb.connect() as con:

        def of(tool: str, kind: str, columns: str, tail: str = "") -> list[tuple]:
            path = tmp_path / tool / "landed" / kind / "2021__aanbieders.parquet"
            return con.execute(f"select {columns} from read_parquet(?) {tail}", [str(path)]).fetchall()

        answers = "question_id, item_id, option_id, edition_id, audience, is_synthetic"
        assert of("qualtrics", "answers", answers) == of("surveymonkey", "answers", answers)
        people = "language, edition_id, audience, is_synthetic"
        assert of("qualtrics", "respondents", people) == of("surveymonkey", "respondents", people)
        shares = ("question_id, item_id, option_id, count(*)", "group by all order by all")
        assert of("qualtrics", "answers", *shares) == of("surveymonkey", "answers", *shares)
        # one key per respondent, in the same order: the shares are those of the same people
        keys = of("qualtrics", "answers", "respondent_key")
        assert len(set(keys)) == 142 and not set(keys) & set(of("surveymonkey", "answers", "respondent_key"))


def test_the_header_is_matched_to_the_codebook_by_question_text(tmp_path):
    rows = read(export(tmp_path))
    layout = parse_header(rows[:3], BOOK, "f.csv")
    assert layout.header_rows == 3 and layout.respondent_id.column == RESPONSE_ID + 1
    roles = {(c.question_id, c.role) for c in layout.answer_columns}
    assert roles == {
        ("org_size_worldwide", "single"),
        ("ld_tech_reasons", "multi_joined"),
        ("ld_tech_capability", "matrix"),
        ("sector", "single"),
    }
    assert layout.free_text_columns == 2  # the sector's "Andere sector - Text" and the closing question
    # "Split multi-value fields into columns": <question> - <choice>, also after "Selected Choice"
    split = read(export(tmp_path, tool=Tool("qualtrics", split_multi=True), name="s.csv"))
    first = column(split, "ld_tech_reasons")
    split[1][first] = split[1][first].replace(" - ", " - Selected Choice - ", 1)
    columns = parse_header(split[:3], BOOK, "s.csv").answer_columns
    reasons = [c for c in columns if c.question_id == "ld_tech_reasons"]
    assert [c.role for c in reasons] == ["multi"] * len(reasons)
    assert [c.option_id for c in reasons] == BOOK.options["ld_tech_reasons"][: len(reasons)]


# --------------------------------------------------------------------------- unfinished responses


def test_unfinished_responses_are_kept_apart_counted_and_never_hold_the_export(tmp_path):
    path = export(tmp_path, n=40, tool=Tool("qualtrics", unfinished_every=4))  # 10 of 50 rows
    report = land(tmp_path, path)
    assert (report.action, report.respondents, report.quarantined, report.kept_apart) == ("landed", 40, 0, 10)
    rows = read(path)
    unfinished = [line for line, row in zip(lines(path), rows, strict=True) if row[6] == "False"]
    message = next(m for m in report.messages if "kept apart" in m)
    assert message == (
        f"{path.name}: 10 respondent row(s) {UNFINISHED_MESSAGE} (Finished = False: started, never "
        f"submitted) (rows {', '.join(map(str, unfinished))})"
    )
    keys = {key for (key,) in landed(tmp_path, "respondents", "respondent_key")}
    apart = {respondent_key(SALT, "2021", "business", row[RESPONSE_ID]) for row in rows if row[6] == "False"}
    assert len(apart) == 10 and not apart & keys
    assert landed(tmp_path, "quarantine", "count(*)") == [(0,)]
    with (tmp_path / "landed" / "landing_log.csv").open(encoding="utf-8") as handle:
        assert message in handle.read()  # the log line says it too


def test_finished_as_a_number_keeps_apart_as_well(tmp_path):
    rows = read(export(tmp_path, n=30))
    for row in rows[3:]:
        row[6] = "1"
    rows[5][6] = "0"
    report = land(tmp_path, rewrite(tmp_path / "2021_business_q.csv", rows))
    assert (report.respondents, report.kept_apart) == (29, 1)


# --------------------------------------------------------------------------- bad input


def test_a_numeric_values_export_is_refused_naming_the_setting(tmp_path):
    rows = read(export(tmp_path))
    for row in rows[3:]:
        for index in range(len(FIXED_COLUMNS), len(row)):
            if row[index] and not rows[0][index].endswith("_TEXT"):
                row[index] = ",".join(str(1 + n % 5) for n in range(row[index].count(",") + 1))
    report = land(tmp_path, rewrite(tmp_path / "2021_business_q.csv", rows))
    assert report.action == "rejected"
    (message,) = report.messages
    assert message.startswith(
        "2021_business_q.csv, row 4: rejected: answer cells hold numbers instead of choice texts"
    )
    assert 'this is a "Use numeric values" export; export again with "Use choice text"' in message


def test_a_missing_importid_row_is_refused(tmp_path):
    rows = read(export(tmp_path))
    del rows[2]
    report = land(tmp_path, rewrite(tmp_path / "2021_business_q.csv", rows))
    assert report.messages == [
        '2021_business_q.csv, row 3, column 1 "StartDate": rejected: missing ImportId row: row 3 must '
        'hold a {"ImportId": ...} cell in every column, as Qualtrics CSV exports have three header '
        "rows; this one has not (exported with the legacy format, or a row removed?): export again "
        'as CSV, "Use choice text"'
    ]


def test_an_unknown_question_is_refused_naming_its_column(tmp_path):
    rows = read(export(tmp_path))
    index = column(rows, "org_size_worldwide")
    rows[1][index] = "Hoeveel koffie drink je per dag?"
    report = land(tmp_path, rewrite(tmp_path / "2021_business_q.csv", rows))
    assert report.messages == [
        f'2021_business_q.csv, row 2, column {index + 1} "{rows[0][index]} | Hoeveel koffie drink je per '
        'dag?": rejected: unknown question: its text (row 2) is not in seeds/codebook/questions.csv '
        "nor seeds/codebook/label_variants.csv"
    ]


def test_a_duplicate_responseid_quarantines_the_later_row(tmp_path):
    rows = read(export(tmp_path))
    rows[10][RESPONSE_ID] = rows[4][RESPONSE_ID]
    path = rewrite(tmp_path / "2021_business_q.csv", rows)
    report = land(tmp_path, path)
    assert (report.respondents, report.quarantined) == (59, 1)
    first, later = lines(path)[4], lines(path)[10]
    assert landed(
        tmp_path, "quarantine", "row_number, column_number, column_name, redacted_value, reason"
    ) == [(later, RESPONSE_ID + 1, "ResponseId", None, f"duplicate ResponseId (first seen on row {first})")]


def test_an_invalid_responseid_quarantines_its_row(tmp_path):
    rows = read(export(tmp_path))
    rows[4][RESPONSE_ID], rows[5][RESPONSE_ID] = "12345", ""
    path = rewrite(tmp_path / "2021_business_q.csv", rows)
    report = land(tmp_path, path, accept=True)
    assert landed(tmp_path, "quarantine", "row_number, reason") == [
        (lines(path)[4], 'ResponseId is not a Qualtrics response id ("R_" and letters or digits)'),
        (lines(path)[5], "missing ResponseId"),
    ]
    assert report.quarantined == 2


def test_a_multi_select_choice_not_in_the_codebook_quarantines_the_row(tmp_path):
    rows = read(export(tmp_path))
    index = column(rows, "ld_tech_reasons")
    rows[3][index] = "Efficiëntie,Gratis koffie"
    rows[4][index] = "Efficiëntie,Tijdswinst"  # known: lands
    report = land(tmp_path, rewrite(tmp_path / "2021_business_q.csv", rows))
    assert (report.respondents, report.quarantined) == (59, 1)
    assert landed(tmp_path, "quarantine", "row_number, column_number, redacted_value, reason") == [
        (
            4,
            index + 1,
            "(redacted: text of 25 character(s))",
            'unknown answer label for question "ld_tech_reasons"',
        )
    ]
    key = respondent_key(SALT, "2021", "business", rows[4][RESPONSE_ID])
    chosen = landed(tmp_path, "answers", "respondent_key, question_id, option_id")
    assert [o for (k, q, o) in chosen if k == key and q == "ld_tech_reasons"] == ["efficientie", "tijdswinst"]


def test_more_choices_than_max_choices_in_one_cell_quarantines_the_row(tmp_path):
    rows = read(export(tmp_path))
    index = column(rows, "ld_tech_reasons")
    labels = [BOOK.label("option", "ld_tech_reasons", o) for o in BOOK.options["ld_tech_reasons"]]
    rows[3][index] = ",".join(labels[:4])
    report = land(tmp_path, rewrite(tmp_path / "2021_business_q.csv", rows))
    assert report.quarantined == 1
    assert landed(tmp_path, "quarantine", "reason") == [
        ('4 options ticked for question "ld_tech_reasons" (max_choices 3)',)
    ]


def test_an_extra_header_row_is_refused(tmp_path):
    rows = read(export(tmp_path))
    rows.insert(3, rows[1])
    report = land(tmp_path, rewrite(tmp_path / "2021_business_q.csv", rows))
    assert report.messages == [
        "2021_business_q.csv, row 4: rejected: extra header row: it repeats header material; "
        "Qualtrics CSV exports have exactly three header rows"
    ]


def test_a_wrong_fixed_column_is_refused(tmp_path):
    rows = read(export(tmp_path))
    rows[0][3] = "IP"
    report = land(tmp_path, rewrite(tmp_path / "2021_business_q.csv", rows))
    assert report.messages[0].startswith(
        '2021_business_q.csv, row 1, column 4: rejected: expected the fixed column "IPAddress" here, found "IP"'
    )


@pytest.mark.parametrize(
    "damage, expected",
    [
        (
            "semicolons",
            'fields are separated by semicolons (";"), not by commas; Qualtrics CSV exports use commas',
        ),
        ("utf-16", "file is UTF-16 encoded; Qualtrics CSV exports are UTF-8"),
    ],
)
def test_early_messages_name_qualtrics(tmp_path, damage, expected):
    path = export(tmp_path)
    rows = read(path)
    if damage == "semicolons":
        buffer = io.StringIO(newline="")
        csv.writer(buffer, delimiter=";").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    else:
        path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert expected in land(tmp_path, path).messages[0]


# --------------------------------------------------------------------------- privacy


PLANTED = ["griet.vanderplanck@example.invalid", "+32 470 98 76 54", "BE68 5390 0754 7034", "203.0.113.99"]


def test_personal_data_never_lands_and_the_scan_finds_nothing(tmp_path):
    """Names, e-mail, IP, location and external reference in the fixed columns, personal data
    in the free-text columns and typed into an answer column: none of it is written, and the
    personal-data scan (which reads the export's Recipient name columns) finds nothing."""
    path = export(tmp_path)
    rows = read(path)
    free_text = [i for i, cell in enumerate(rows[2]) if json.loads(cell)["ImportId"].endswith("_TEXT")]
    for row in rows[3:8]:
        row[FIXED_COLUMNS.index("RecipientLastName")] = "Vanderplanck"
        row[FIXED_COLUMNS.index("RecipientFirstName")] = "Griet"
        row[FIXED_COLUMNS.index("RecipientEmail")] = PLANTED[0]
        row[FIXED_COLUMNS.index("IPAddress")] = PLANTED[3]
        row[FIXED_COLUMNS.index("ExternalReference")] = "klant-Vanderplanck-0042"
        row[FIXED_COLUMNS.index("LocationLatitude")] = "51.0543422"
        for index in free_text:
            row[index] = f"Bel Griet Vanderplanck op {PLANTED[1]} of mail {PLANTED[0]}"
    rows[3][column(rows, "org_size_worldwide")] = PLANTED[2]  # typed into an answer: quarantined
    report = land(tmp_path, rewrite(path, rows), accept=True)
    assert (report.action, report.quarantined) == ("landed", 1)
    written = b"".join(p.read_bytes() for p in (tmp_path / "landed").rglob("*") if p.is_file())
    for secret in [*PLANTED, "Vanderplanck", "51.0543422", "BE68539007547034", "klant-"]:
        assert secret.encode() not in written, secret
    assert "".join(report.messages).find("Vanderplanck") < 0
    assert personal_data_found(tmp_path / "landed", [path]) == []


def test_the_scan_reads_the_qualtrics_name_columns(tmp_path):
    """The scan's name check knows where Qualtrics keeps names: a landed value holding one is found."""
    path = export(tmp_path)
    rows = read(path)
    rows[3][FIXED_COLUMNS.index("RecipientLastName")] = "Vanderplanck"
    rewrite(path, rows)
    land(tmp_path, path)
    with (tmp_path / "landed" / "landing_log.csv").open("a", encoding="utf-8") as handle:
        handle.write("planted line about Vanderplanck\n")
    found = personal_data_found(tmp_path / "landed", [path])
    assert any("holding a name of the exports' First Name / Last Name columns" in f for f in found), found


# --------------------------------------------------------------------------- generator


def test_the_generator_command_line_writes_qualtrics_exports(tmp_path, capsys):
    assert (
        main(
            [
                "demo",
                "--tool",
                "qualtrics",
                "--split-multi",
                "--unfinished-every",
                "30",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    paths = [Path(line) for line in capsys.readouterr().out.split()]
    assert [p.name for p in paths] == ["2021_business_synthetic.csv", "2021_aanbieders_synthetic.csv"]
    rows = read(paths[0])
    assert rows[0][: len(FIXED_COLUMNS)] == list(FIXED_COLUMNS) and len(rows) == 3 + 173 + 5
    assert (
        json.loads(paths[0].with_name(paths[0].name + ".manifest.json").read_text())["is_synthetic"] is True
    )
    with pytest.raises(SystemExit):
        main(["demo", "--split-multi", "--out", str(tmp_path)])  # a Qualtrics option for SurveyMonkey


def test_the_run_summary_says_how_many_rows_were_kept_apart():
    exports = [
        {"file": "q.csv", "action": "landed", "respondents": 40, "quarantined": 0, "kept_apart": 10},
        {"file": "s.csv", "action": "unchanged", "respondents": 9, "quarantined": 0},
    ]
    assert landing_summary(exports, []).splitlines()[-1] == (
        "  kept apart: q.csv: 10 row(s) not landed nor counted in the shares (unfinished "
        "responses; the reason is in the landing log)"
    )


def test_a_qualtrics_export_with_a_byte_order_mark_lands(tmp_path):
    """Qualtrics writes its CSV as UTF-8 with a BOM."""
    path = export(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = land(tmp_path, path)
    assert (report.action, report.respondents) == ("landed", 60)
    assert f"{path.name}: UTF-8 byte order mark (BOM) found and stripped" in report.messages


def test_a_number_that_is_a_label_is_a_choice_text_not_a_numeric_export(tmp_path):
    """A codebook label made of digits (a scale "5") must not make a choice-text export look
    like a numeric-values one."""
    codebook_dir = tmp_path / "codebook"
    shutil.copytree(CODEBOOK_DIR, codebook_dir)
    with (codebook_dir / "label_variants.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["option", "org_size_worldwide", "", "10000_of_meer", "nl", "5"]
        )
    book = build_codebook(codebook_dir)
    path = generate_export(
        tmp_path / "2021_business_q.csv", "2021", "business", 30, 4, ["org_size_worldwide"], tool=QUALTRICS
    )
    rows = read(path)
    for row in rows[3:]:
        row[len(FIXED_COLUMNS)] = "5"
    report = land(tmp_path, rewrite(path, rows), codebook=book)
    assert (report.action, report.respondents) == ("landed", 30)
    assert landed(tmp_path, "answers", "distinct option_id") == [("10000_of_meer",)]
