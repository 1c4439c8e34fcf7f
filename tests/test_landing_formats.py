"""The format seam of the landing (tendensen/landing/formats): an export is recognised by
its header rows, a file that no format recognises is refused naming the formats known, and the
neutral pieces (joined multi-choice cells, name columns for the personal-data scan) work the
same for every tool."""

from __future__ import annotations

import csv

from tendensen.landing import land_file
from tendensen.landing.codebook import default_codebook
from tendensen.landing.formats import FORMATS, detect, name_columns, tool_of
from tendensen.landing.formats.surveymonkey import FIXED_COLUMNS
from tendensen.landing.layout import split_joined

BOOK = default_codebook()


def test_every_format_has_a_name_a_signature_and_a_header():
    assert [f.name for f in FORMATS][0] == "SurveyMonkey"
    assert len({f.name for f in FORMATS}) == len(FORMATS)
    for export_format in FORMATS:
        assert export_format.header_rows >= 1 and export_format.name in export_format.signature


def test_a_file_no_format_recognises_is_rejected_naming_the_formats_known(tmp_path):
    path = tmp_path / "2021_business_other.csv"
    path.write_text("id,Question 1\n1,Ja\n", encoding="utf-8")
    report = land_file(path, tmp_path / "landed", salt="s")
    assert report.action == "rejected"
    (message,) = report.messages
    assert message.startswith(
        "2021_business_other.csv, row 1: rejected: not an export of a known survey tool"
    )
    for export_format in FORMATS:
        assert export_format.signature in message


def test_the_tool_named_in_early_messages_is_the_one_recognised():
    assert tool_of(",".join(FIXED_COLUMNS) + "\r\n") == "SurveyMonkey"
    assert tool_of("id,vraag\r\n") == " or ".join(f.name for f in FORMATS)
    assert detect([list(FIXED_COLUMNS), [""] * 9], "f.csv").name == "SurveyMonkey"


def test_name_columns_come_from_the_recognised_format(tmp_path):
    path = tmp_path / "x.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([FIXED_COLUMNS, [""] * 9])
    assert name_columns(path) == (2, 7, 8)  # First Name, Last Name
    path.write_text("id,vraag\n", encoding="utf-8")
    assert name_columns(path) is None


def test_a_joined_cell_is_split_at_commas_that_are_not_inside_a_label():
    def match(text):
        return BOOK.match_option("ld_technology_use", text)

    yes = "Ja, zeker wel"
    assert match(yes) is not None  # a label with a comma
    labels = [BOOK.label("option", "ld_technology_use", o) for o in BOOK.options["ld_technology_use"]]
    other = next(label for label in labels if label != yes)
    found = split_joined(f"{yes},{other}", match)
    assert [c.id for c in found] == [match(yes).id, match(other).id]
    assert [c.id for c in split_joined(f"{other},{other}", match)] == [match(other).id]  # once
    assert split_joined(f"{yes},Koffie", match) is None


def test_the_personal_data_scan_reads_names_of_exports_with_line_breaks_in_free_text(tmp_path):
    """The demo exports' free text spans lines; DuckDB's parallel CSV reader refuses such a file
    with null padding, and the scan then compared no name at all."""
    from tendensen.landing.generate import generate_export
    from tendensen.landing.personal_data import export_names

    path = generate_export(tmp_path / "2021_business_x.csv", "2021", "business", 30, seed=1)
    assert "\n" in "".join(row[-1] for row in csv.reader(path.open(encoding="utf-8", newline="")))
    assert "respondent 7" in export_names([path], tmp_path)  # Last Name "Respondent 7"
