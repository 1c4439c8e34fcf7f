"""The marts reproduce the published report: values typed here from the report text
(source documents `til_2021`, text 001_55e2b03c79832931, and `til_2025_commentary`), independently
of the seed files, and compared with `marts.answer_shares`.
"""

from __future__ import annotations

import pytest

from conftest import PINNED_EDITIONS

REPORT_2021 = "Tendensen in Leren 2021"

# (figure, edition, audience, question_id, item_label, option_label, pct as published)
PUBLISHED = [
    (1, "2021", "business", "org_size_worldwide", None, "10000 of meer", 36),
    (1, "2020", "business", "ld_target_group_size", None, "Tussen 1000 en 4999", 36),
    (1, "2021", "business", "ld_target_group_size", None, "Tussen 1000 en 4999", 42),
    (2, "2020", "business", "ld_team_fte", None, "Tot 5 FTE", 37),
    (2, "2015", "aanbieders", "provider_org_fte", None, "1 (zelfstandige / ZZP)", 28),
    (2, "2021", "aanbieders", "provider_org_fte", None, "5 of meer FTE", 68),
    (3, "2020", "aanbieders", "crisis_mainly_offered", None, "moeilijkheden", 74),
    (3, "2021", "business", "crisis_mainly_offered", None, "mogelijkheden", 83),
    (
        4,
        "2021",
        "aanbieders",
        "crisis_outcome",
        None,
        "komen we als organisatie / L&D-afdeling zwakker uit de crisis.",
        9,
    ),
    (5, "2021", "aanbieders", "corona_adaptation_moment", None, "Vrijwel meteen, ongeveer 01/04/20", 51),
    (
        5,
        "2021",
        "business",
        "corona_adaptation_moment",
        None,
        "We zijn er ook vandaag nog niet helemaal klaar voor",
        9,
    ),
    (6, "2020", "aanbieders", "corona_revenue_impact", None, "Ja, onze omzet was meer dan 50% lager", 13),
    (6, "2021", "aanbieders", "corona_revenue_impact", None, "Neen", 26),
    (7, "2021", "business", "ld_technology_use", None, "Ja, zeker wel", 67),
    (7, "2021", "aanbieders", "ld_technology_use", None, "Neen, eerder niet", 12),
    (9, "2021", "business", "ld_means_evolution", None, "gelijk blijven", 67),
    (10, "2017", "business", "ld_spend_per_person", None, "Tussen € 250 en 750 per persoon / jaar", 23),
    (10, "2019", "business", "ld_spend_per_person", None, "Ik weet het niet / niet van toepassing", 32),
    (10, "2021", "business", "ld_spend_per_person", None, "Tussen € 750 en 1500 per persoon / jaar", 27),
    (12, "2021", "business", "ld_tech_reasons", None, "Efficiëntie", 47),
    (12, "2021", "aanbieders", "ld_tech_reasons", None, "Individualisering van aanbod", 50),
    (
        16,
        "2021",
        "business",
        "training_participation_measures",
        None,
        "Zorg dat werkgevers en leidinggevenden een groeimindset stimuleren",
        71,
    ),
    (
        16,
        "2021",
        "aanbieders",
        "training_participation_measures",
        None,
        "Verplicht een individu tot X dagen opleiding",
        5,
    ),
    (
        17,
        "2021",
        "aanbieders",
        "learning_culture_levers",
        None,
        "Geef organisaties mogelijkheden om L&D als een investering i.p.v. een kost te zien",
        58,
    ),
    (
        18,
        "2021",
        "aanbieders",
        "government_statements",
        "Iedereen moet het onderwijs verlaten mét een kwalificatie",
        "Eerder akkoord tot volledig akkoord",
        68,
    ),
    (
        18,
        "2021",
        "business",
        "government_statements",
        "De overheid moet zelf een L&D-aanbod ontwikkelen / in stand houden",
        "Helemaal niet akkoord tot niet akkoord",
        65,
    ),
    (19, "2021", "business", "ld_agenda_18_24m", None, "Meten via L&D Analytics", 15),
    (
        19,
        "2021",
        "aanbieders",
        "ld_agenda_18_24m",
        None,
        "De productiviteit/kwaliteit van de organisatie verhogen",
        39,
    ),
    (20, "2021", "business", "ld_roles_evolution", "Talent Manager", "Wordt belangrijker als nu", 62),
    (20, "2021", "aanbieders", "ld_roles_evolution", "Administrator", "Wordt minder belangrijk als nu", 21),
    (21, "2021", "business", "purchase_criteria", None, "Fit met bedrijfscultuur", 40),
    (
        21,
        "2021",
        "aanbieders",
        "purchase_criteria",
        None,
        "Referenties & reputatie van de aanbieder / trainer",
        31,
    ),
]

# Numbers quoted only in the prose: (edition, audience, question_id, item_label, pct).
PROSE = [
    ("2020-03", "aanbieders", "crisis_outcome", None, 46),
    ("2020-04", "aanbieders", "crisis_outcome", None, 26),
    ("2020-03", "business", "crisis_outcome", None, 6),
    ("2020-04", "business", "crisis_outcome", None, 10),
    ("2020-04", "aanbieders", "client_budget_expectation", None, 56),
    ("2021", "alle", "questionnaire_language", None, 10),
    ("2011", "alle", "purchase_criteria_importance", "Inhoud van de training", 6.69),
    (
        "2011",
        "alle",
        "purchase_criteria_importance",
        "Erkenning voor subsidies voor de KMO-portefeuille",
        2.67,
    ),
    ("2019", "werkgevers", "learning_offer_evolution", None, 63),
    ("2019", "werknemers", "learning_offer_evolution", None, 25),
    ("2025", "business", "expected_learning_opportunities", None, 43),
]


def test_the_pipeline_succeeded(built_warehouse):
    assert built_warehouse.result.success


@pytest.mark.parametrize("figure, edition, audience, question_id, item_label, option_label, pct", PUBLISHED)
def test_published_figure_value(
    built_warehouse, figure, edition, audience, question_id, item_label, option_label, pct
):
    rows = built_warehouse.rows(
        """
        select pct, source_report, source_figure, is_partial, is_synthetic
        from marts.answer_shares
        where source = 'published' and edition_id = ? and audience = ? and question_id = ?
          and item_label is not distinct from ? and option_label = ?
        """,
        [edition, audience, question_id, item_label, option_label],
    )
    assert rows == [(pct, REPORT_2021, figure, False, False)]


@pytest.mark.parametrize("edition, audience, question_id, item_label, pct", PROSE)
def test_prose_value_is_partial(built_warehouse, edition, audience, question_id, item_label, pct):
    rows = built_warehouse.rows(
        """
        select pct, source_figure, is_partial
        from marts.answer_shares
        where source = 'published' and edition_id = ? and audience = ? and question_id = ?
          and item_label is not distinct from ? and pct = ?
        """,
        [edition, audience, question_id, item_label, pct],
    )
    assert rows == [(pct, None, True)]


def test_whole_figure_8_reproduced(built_warehouse):
    """Figure 8: both items, both audiences, the 2017 and 2021 columns, every option."""
    # Header: KENNIS EN KUNDE (B 2017, B 2021, A 2017, A 2021), TIJD EN BUDGET (same).
    ja = [64, 84, 54, 80, 43, 70, 47, 58]
    neen = [36, 16, 46, 20, 57, 30, 53, 42]
    expected = set()
    for index, (item, audience, edition) in enumerate(
        (item, audience, edition)
        for item in ("Kennis en kunde", "Tijd en budget")
        for audience in ("business", "aanbieders")
        for edition in ("2017", "2021")
    ):
        expected.add((item, audience, edition, "Ja, voldoende tot zeer zeker", ja[index]))
        expected.add((item, audience, edition, "Neen, helemaal niet tot onvoldoende", neen[index]))
    actual = set(
        built_warehouse.rows(
            """
        select item_label, audience, edition_id, option_label, pct
        from marts.answer_shares
        where source = 'published' and question_id = 'ld_tech_capability'
        """
        )
    )
    assert actual == expected


def test_whole_figure_20_reproduced(built_warehouse):
    """Figure 20: ten roles x three options x both audiences."""
    table = {  # minder B, minder A, even B, even A, belangrijker B, belangrijker A
        "Learning Facilitator": (0, 2, 45, 34, 55, 64),
        "Visionair": (3, 1, 46, 38, 51, 61),
        "Supporter": (0, 1, 44, 37, 56, 63),
        "Talent Manager": (5, 4, 33, 53, 62, 43),
        "Administrator": (19, 21, 68, 62, 13, 18),
        "Learning Expert": (2, 6, 48, 43, 50, 51),
        "Learning Ambassador": (0, 0, 41, 50, 59, 50),
        "Evaluator": (1, 4, 46, 49, 54, 47),
        "Business Analyst": (0, 1, 40, 42, 60, 57),
        "Learning Producer": (5, 6, 49, 53, 46, 41),
    }
    options = ("Wordt minder belangrijk als nu", "Blijft even belangrijk als nu", "Wordt belangrijker als nu")
    expected = {
        (role, audience, options[column // 2], values[column])
        for role, values in table.items()
        for column, audience in enumerate(["business", "aanbieders"] * 3)
    }
    actual = set(
        built_warehouse.rows(
            """
        select item_label, audience, option_label, pct from marts.answer_shares
        where source = 'published' and question_id = 'ld_roles_evolution' and edition_id = '2021'
        """
        )
    )
    assert actual == expected


# What pins the 2021 report pins it alone: a later document's rows (another edition's figures,
# a complete distribution quoted in its text) need only pass the general rules.
def test_every_figure_with_numbers_is_present(built_warehouse):
    figures = {
        figure
        for (figure,) in built_warehouse.rows(
            "select distinct source_figure from marts.answer_shares "
            "where source_figure is not null and source_report = ?",
            [REPORT_2021],
        )
    }
    assert figures == {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 17, 18, 19, 20, 21}


def test_published_row_counts(built_warehouse):
    per_figure = dict(
        built_warehouse.rows(
            "select source_figure, count(*) from marts.answer_shares "
            "where source = 'published' and source_figure is not null and source_report = ? group by all",
            [REPORT_2021],
        )
    )
    # Counted from the report: e.g. Figure 5 = 2 audiences x (5 options + 2 subtotals).
    assert per_figure == {
        1: 24,
        2: 16,
        3: 8,
        4: 4,
        5: 14,
        6: 16,
        7: 12,
        8: 16,
        9: 3,
        10: 15,
        12: 20,
        16: 18,
        17: 20,
        18: 56,
        19: 26,
        20: 60,
        21: 30,
    }
    # The 2021 report's numbers quoted in its running text (37, by its text locators) are all
    # partial distributions: only some options of each are mentioned.
    text = built_warehouse.rows(
        "select count(*), count(*) filter (where is_partial) from marts.fct_answer_shares as shares "
        "join marts.dim_source_document using (source_document_id) "
        "where source = 'published' and source_report = ? and source_locator like 'tekst:%'",
        [REPORT_2021],
    )
    assert text == [(35, 35)]


def test_every_published_number_says_where_it_is_printed(built_warehouse):
    """The general rule for every document: a locator on every published share, and the figure
    number exactly where the locator is a figure."""
    assert (
        built_warehouse.scalar(
            "select count(*) from marts.fct_answer_shares where source = 'published' and ("
            " source_locator is null"
            " or source_locator is distinct from coalesce('Figuur ' || source_figure, source_locator)"
            " or source_figure is null and regexp_full_match(source_locator, 'Figuur [0-9]+'))"
        )
        == 0
    )


def test_analyst_question_technology_use_per_audience(built_warehouse):
    """The issue's example: one select answers how 'Ja, zeker wel' evolved per audience."""
    rows = built_warehouse.rows(
        f"""
        select audience, edition_id, pct from marts.answer_shares
        where question_text like 'Maakt jouw%organisatie gebruik van technologie om te leren?'
          and option_label = 'Ja, zeker wel' and source = 'published'
          and edition_id in ({PINNED_EDITIONS})
        order by audience, edition_id
        """
    )
    assert rows == [("aanbieders", "2021", 46.0), ("business", "2021", 67.0)]


def test_published_numbers_are_never_synthetic(built_warehouse):
    assert (
        built_warehouse.scalar(
            "select count(*) from marts.answer_shares where source = 'published' and is_synthetic"
        )
        == 0
    )
