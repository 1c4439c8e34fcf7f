"""docs/queries.md runs: every example query returns rows on the built warehouse, the
ones that reproduce a figure return the numbers printed in the report
(source document `til_2021`, text 001_55e2b03c79832931), typed here independently of the seeds, and the
cross-tabulation over the landed respondents returns the counts of the (seeded, so
deterministic) synthetic 2021 Business export.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import pinned_editions
from tendensen.settings import REPO_ROOT
from tendensen.warehouse import connect

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
        body = text[heading.end() : end]
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
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_parser_needs_exactly_one_sql_block_per_section():
    good = "### 1. Q?\ntext\n```sql\nselect 1\n```\n### 2. R?\n```sql\nselect 2;\n```\n"
    assert parse_queries(good) == [(1, "Q?", "select 1"), (2, "R?", "select 2;")]
    with pytest.raises(ValueError):
        parse_queries("### 1. Q?\n```sql\nselect 1\n```\n```sql\nselect 2\n```\n")
    with pytest.raises(ValueError):
        parse_queries("### 1. Q?\nno query\n")


def test_eleven_numbered_questions_including_the_required_two():
    assert [number for number, _, _ in QUERIES] == list(range(1, 12))
    assert REQUIRED_TITLES <= set(BY_TITLE)


# Marts that hold published and computed shares side by side (grain ... x source).
_SHARE_MARTS = re.compile(r"\bmarts\.(answer_shares|answer_trends|answers_\w+)\b")


@pytest.mark.parametrize(
    "number, sql", [(number, sql) for number, _, sql in QUERIES], ids=[f"query_{n}" for n, _, _ in QUERIES]
)
def test_queries_on_shares_say_which_source(number, sql):
    """Analysts copy these: a query over a mart that holds both sources must filter one, or
    max(pct), ranks and sums silently mix published and computed numbers."""
    if _SHARE_MARTS.search(sql):
        assert re.search(r"\bsource\s*=\s*'(published|responses)'", sql), f"query {number} mixes sources"


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
    moves = {
        (row["item_label"], row["option_label"]): (row["pct_2017"], row["pct_2021"], row["change_2017_2021"])
        for row in rows
    }
    assert moves[("Kennis en kunde", "Neen, helemaal niet tot onvoldoende")] == (36, 16, -20)
    assert moves[("Tijd en budget", "Neen, helemaal niet tot onvoldoende")] == (57, 30, -27)
    assert moves[(None, "Tussen € 750 en 1500 per persoon / jaar")] == (12, 27, 15)
    assert abs(rows[0]["change_2017_2021"]) == 27
    assert {row["question_id"] for row in rows[:4]} == {"ld_tech_capability"}


def test_questions_asked_in_three_editions(built_warehouse):
    """Figure 10 (2017, 2019, 2021) and the crisis outcome (pulses of March and April 2020,
    Figure 4 in 2021) are the only questions with three editions in the 2021 report."""
    rows = query(built_warehouse, "Which questions have been asked in at least three editions?")
    # a later edition adds editions to a question: count those of the 2021 report
    pinned = pinned_editions(built_warehouse)
    editions = [(row["question_id"], [e for e in row["editions"].split(", ") if e in pinned]) for row in rows]
    # in the query's order: most editions first, then by question
    assert [
        (question, ", ".join(listed))
        for question, listed in sorted(editions, key=lambda q: (-len(q[1]), q[0]))
        if len(listed) >= 3
    ] == [
        ("crisis_outcome", "2020-03, 2020-04, 2021"),
        ("ld_spend_per_person", "2017, 2019, 2021"),
    ]


def test_crisis_expectation_pulse_surveys(built_warehouse):
    """'In maart 2020 was 46% van hen overtuigd dat de L&D crisis hen zwakker zou maken, in
    april was dat nog 26%'; Figure 4 (2021): 9% of providers came out weaker."""
    rows = query(built_warehouse, "How did the share that expected")
    providers = [
        (row["edition_id"], row["previous_edition_id"], row["pct"], row["change_points"])
        for row in rows
        if row["audience"] == "aanbieders"
    ]
    assert providers == [
        ("2020-03", None, 46, None),
        ("2020-04", "2020-03", 26, -20),
        ("2021", "2020-04", 9, -17),
    ]


def test_figure_8_capabilities(built_warehouse):
    rows = query(built_warehouse, "Did L&D teams gain the skills")
    by_key = {
        (row["audience"], row["item_label"], row["option_label"]): (
            row["previous_edition_id"],
            row["previous_pct"],
            row["pct"],
            row["change_points"],
        )
        for row in rows
    }
    assert by_key[("business", "Kennis en kunde", "Neen, helemaal niet tot onvoldoende")] == (
        "2017",
        36,
        16,
        -20,
    )
    assert by_key[("aanbieders", "Kennis en kunde", "Neen, helemaal niet tot onvoldoende")] == (
        "2017",
        46,
        20,
        -26,
    )
    assert len(rows) == 8


def test_figure_10_spend(built_warehouse):
    pinned = pinned_editions(built_warehouse)
    rows = [
        row
        for row in query(built_warehouse, "How much do organisations spend")
        if row["edition_id"] in pinned
    ]
    sums = {row["edition_id"]: row["distribution_sum_pct"] for row in rows}
    assert sums == {"2017": 95, "2019": 100, "2021": 100}
    (row,) = [
        row
        for row in rows
        if row["edition_id"] == "2021" and row["option_label"] == "Tussen € 750 en 1500 per persoon / jaar"
    ]
    assert (row["pct"], row["previous_edition_id"], row["change_points"]) == (27, "2019", 14)


def test_figure_12_top_reasons(built_warehouse):
    rows = query(built_warehouse, "What are the top three reasons")
    business = [
        (row["option_rank"], row["option_label"], row["pct"]) for row in rows if row["audience"] == "business"
    ]
    assert business[0] == (1, "Efficiëntie", 47)
    providers = [
        (row["option_rank"], row["option_label"], row["pct"])
        for row in rows
        if row["audience"] == "aanbieders"
    ]
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
    """'315 deelnemers: 173 collega's uit de business en 142 aanbieders' (1 July 2021) as
    published; the landed 2021 exports hold the same 173 and 142 respondents (synthetic),
    each source on a row of its own."""
    rows = query(built_warehouse, "How many respondents")
    respondents = {(row["edition_id"], row["audience"], row["source"]): row["n_respondents"] for row in rows}
    assert respondents[("2021", "business", "published")] == 173
    assert respondents[("2021", "aanbieders", "published")] == 142
    assert respondents[("2021", "alle", "published")] == 315
    assert respondents[("2021", "business", "responses")] == 173
    assert respondents[("2021", "aanbieders", "responses")] == 142
    assert len(respondents) == len(rows)  # one row per edition, audience and source
    published = [
        row
        for row in rows
        if row["source"] == "published" and row["edition_id"] in pinned_editions(built_warehouse)
    ]
    assert sum(row["failed_groups"] for row in published) == 7
    assert all(row["unacknowledged_failed_groups"] == 0 for row in rows)
    assert {row["is_synthetic"] for row in rows if row["source"] == "responses"} == {True}


def test_technology_use_by_language_from_the_respondents(built_warehouse):
    """Figure 7's question for Business, cross-tabulated by questionnaire language over the
    landed (synthetic) 2021 export: 10 of 17 French-speaking and 106 of 156 Dutch-speaking
    respondents answered 'Ja, zeker wel'; 116 of 173 in all, the computed share in
    answer_shares (the report prints 67%)."""
    rows = query(built_warehouse, "Do French-speaking internal L&D teams")
    assert [
        (row["language"], row["n_answered"], row["n_ja_zeker_wel"], row["pct_ja_zeker_wel"]) for row in rows
    ] == [
        ("fr", 17, 10, pytest.approx(58.8)),
        ("nl", 156, 106, pytest.approx(67.9)),
        ("alle talen", 173, 116, pytest.approx(67.1)),
    ]
    assert all(row["is_synthetic"] for row in rows)
    computed = built_warehouse.scalar(
        "select pct from marts.answer_shares where source = 'responses' and edition_id = '2021' "
        "and audience = 'business' and question_id = 'ld_technology_use' "
        "and option_label = 'Ja, zeker wel'"
    )
    assert computed == pytest.approx(100 * 116 / 173)
    assert round(computed, 1) == pytest.approx(rows[-1]["pct_ja_zeker_wel"])
    # the respondents behind it are the landed ones: 173 Business respondents of 2021
    assert (
        built_warehouse.scalar(
            "select count(*) from marts.dim_respondent where edition_id = '2021' and audience = 'business'"
        )
        == 173
    )


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
