"""docs/queries.md runs: every example query returns rows on the built warehouse, and the
ones that reproduce a figure return the numbers printed in the report
(../shared/sources/001_55e2b03c79832931.txt), typed here independently of the seeds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orchestration.settings import REPO_ROOT
from orchestration.warehouse import connect

QUERIES_MD = REPO_ROOT / "docs" / "queries.md"

REQUIRED_TITLES = {
    "Which answers moved most between 2017 and 2021 for Business?",
    "Which questions have been asked in at least three editions?",
}

_HEADING = re.compile(r"^### (\d+)\. (.+?)\s*$", re.MULTILINE)
_SQL_BLOCK = re.compile(r"^```sql\n(.*?)^```", re.MULTILINE | re.DOTALL)
_ANY_BLOCK = re.compile(r"^```", re.MULTILINE)


def parse_queries(text: str) -> list[tuple[int, str, str]]:
    """(number, question, sql) per `### N. question` section with exactly one sql block."""
    headings = list(_HEADING.finditer(text))
    sections = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        body = text[heading.end():end]
        blocks = _SQL_BLOCK.findall(body)
        fences = len(_ANY_BLOCK.findall(body))
        if len(blocks) != 1 or fences != 2:
            raise ValueError(f"section {heading.group(1)} must hold exactly one ```sql block")
        sections.append((int(heading.group(1)), heading.group(2), blocks[0].strip()))
    return sections


QUERIES = parse_queries(QUERIES_MD.read_text(encoding="utf-8"))
BY_TITLE = {question: sql for _, question, sql in QUERIES}


def run(path: Path, sql: str) -> list[dict]:
    with connect(path) as con:
        cursor = con.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def test_parser_needs_exactly_one_sql_block_per_section():
    good = "### 1. Q?\ntext\n```sql\nselect 1\n```\n### 2. R?\n```sql\nselect 2;\n```\n"
    assert parse_queries(good) == [(1, "Q?", "select 1"), (2, "R?", "select 2;")]
    with pytest.raises(ValueError):
        parse_queries("### 1. Q?\n```sql\nselect 1\n```\n```sql\nselect 2\n```\n")
    with pytest.raises(ValueError):
        parse_queries("### 1. Q?\nno query\n")


def test_ten_numbered_questions_including_the_required_two():
    assert [number for number, _, _ in QUERIES] == list(range(1, 11))
    assert REQUIRED_TITLES <= set(BY_TITLE)


@pytest.mark.parametrize(
    "sql", [sql for _, _, sql in QUERIES], ids=[f"query_{number}" for number, _, _ in QUERIES]
)
def test_query_runs_and_returns_rows(built_warehouse, sql):
    assert run(built_warehouse.path, sql), "the example query returned no rows"


def query(built_warehouse, title_start: str) -> list[dict]:
    (sql,) = [sql for title, sql in BY_TITLE.items() if title.startswith(title_start)]
    return run(built_warehouse.path, sql)


def test_business_2017_2021_biggest_moves_are_figure_8(built_warehouse):
    """Figure 8: 'het aandeel business zonder L&D tech vaardigheden daalde van 36% naar 16%'
    (-20) and limited means 'van bijna 6 op 10 naar 3 op 10' (57 -> 30, -27); Figure 10
    compares 2017 with 2021 directly (12 -> 27 for EUR 750-1500), not with 2019."""
    rows = query(built_warehouse, "Which answers moved most between 2017 and 2021")
    moves = {(row["item_label"], row["option_label"]): (row["pct_2017"], row["pct_2021"],
                                                        row["change_2017_2021"]) for row in rows}
    assert moves[("Kennis en kunde", "Neen, helemaal niet tot onvoldoende")] == (36, 16, -20)
    assert moves[("Tijd en budget", "Neen, helemaal niet tot onvoldoende")] == (57, 30, -27)
    assert moves[(None, "Tussen € 750 en 1500 per persoon / jaar")] == (12, 27, 15)
    assert abs(rows[0]["change_2017_2021"]) == 27
    assert {row["question_id"] for row in rows[:4]} == {"ld_tech_capability"}


def test_questions_asked_in_three_editions(built_warehouse):
    """Figure 10 (2017, 2019, 2021) and the crisis outcome (pulses of March and April 2020,
    Figure 4 in 2021) are the only questions with three editions in the 2021 report."""
    rows = query(built_warehouse, "Which questions have been asked in at least three editions?")
    assert [(row["question_id"], row["editions"]) for row in rows] == [
        ("crisis_outcome", "2020-03, 2020-04, 2021"),
        ("ld_spend_per_person", "2017, 2019, 2021"),
    ]


def test_crisis_expectation_pulse_surveys(built_warehouse):
    """'In maart 2020 was 46% van hen overtuigd dat de L&D crisis hen zwakker zou maken, in
    april was dat nog 26%'; Figure 4 (2021): 9% of providers came out weaker."""
    rows = query(built_warehouse, "How did the share that expected")
    providers = [(row["edition_id"], row["previous_edition_id"], row["pct"], row["change_points"])
                 for row in rows if row["audience"] == "aanbieders"]
    assert providers == [("2020-03", None, 46, None), ("2020-04", "2020-03", 26, -20),
                         ("2021", "2020-04", 9, -17)]


def test_figure_8_capabilities(built_warehouse):
    rows = query(built_warehouse, "Did L&D teams gain the skills")
    by_key = {(row["audience"], row["item_label"], row["option_label"]):
              (row["previous_edition_id"], row["previous_pct"], row["pct"], row["change_points"])
              for row in rows}
    assert by_key[("business", "Kennis en kunde", "Neen, helemaal niet tot onvoldoende")] == \
        ("2017", 36, 16, -20)
    assert by_key[("aanbieders", "Kennis en kunde", "Neen, helemaal niet tot onvoldoende")] == \
        ("2017", 46, 20, -26)
    assert len(rows) == 8


def test_figure_10_spend(built_warehouse):
    rows = query(built_warehouse, "How much do organisations spend")
    sums = {row["edition_id"]: row["distribution_sum_pct"] for row in rows}
    assert sums == {"2017": 95, "2019": 100, "2021": 100}
    (row,) = [row for row in rows if row["edition_id"] == "2021"
              and row["option_label"] == "Tussen € 750 en 1500 per persoon / jaar"]
    assert (row["pct"], row["previous_edition_id"], row["change_points"]) == (27, "2019", 14)


def test_figure_12_top_reasons(built_warehouse):
    rows = query(built_warehouse, "What are the top three reasons")
    business = [(row["option_rank"], row["option_label"], row["pct"])
                for row in rows if row["audience"] == "business"]
    assert business[0] == (1, "Efficiëntie", 47)
    providers = [(row["option_rank"], row["option_label"], row["pct"])
                 for row in rows if row["audience"] == "aanbieders"]
    assert providers[0] == (1, "Individualisering van aanbod", 50)


def test_figure_20_talent_manager_first(built_warehouse):
    """'Ze zien een heel grote rol voor L&D in talentmanagement (62%)' (Business, Figure 20)."""
    rows = query(built_warehouse, "Which L&D roles")
    assert (rows[0]["item_rank"], rows[0]["item_label"], rows[0]["pct"]) == (1, "Talent Manager", 62)


def test_figure_18_biggest_gap(built_warehouse):
    rows = query(built_warehouse, "On which statements about the government")
    first = rows[0]
    assert first["item_label"] == "Iedereen moet het onderwijs verlaten mét een kwalificatie"
    assert (first["business_agree_pct"], first["providers_agree_pct"], first["gap_points"]) == (58, 68, -10)
    assert len(rows) == 14


def test_edition_summary_respondents(built_warehouse):
    """'315 deelnemers: 173 collega's uit de business en 142 aanbieders' (1 July 2021)."""
    rows = query(built_warehouse, "How many respondents")
    respondents = {(row["edition_id"], row["audience"]): row["n_respondents"] for row in rows}
    assert respondents[("2021", "business")] == 173
    assert respondents[("2021", "aanbieders")] == 142
    assert respondents[("2021", "alle")] == 315


def test_2011_purchase_criteria(built_warehouse):
    """Footnote 29: mean scores from 0 (very unimportant) to 7 (very important)."""
    rows = query(built_warehouse, "Which purchase criteria mattered most in 2011")
    assert [(row["item_rank"], row["item_label"], row["mean_score"]) for row in rows] == [
        (1, "Inhoud van de training", 6.69),
        (2, "Prijs/kwaliteitsverhouding", 6.19),
        (3, "Vroegere ervaringen met de opleider", 5.89),
        (4, "Bezit van een kwaliteitslabel als Qfor", 3.95),
        (5, "Erkenning voor subsidies voor de KMO-portefeuille", 2.67),
    ]
