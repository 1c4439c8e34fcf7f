"""The analyst marts (models/marts/analysis) on the real build, and the statistics behind them.

Report values are typed here from the report text (source document `til_2021`, text 001_55e2b03c79832931),
independently of the seeds. The statistics macros (macros/analysis) are rendered with plain
Jinja and run in an in-memory DuckDB, so their math is checked against hand computations and
Python's exact math.erfc without a warehouse.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb
import jinja2
import pytest

from conftest import PINNED_EDITIONS, REPORT_2021
from tendensen.settings import REPO_ROOT
from tendensen.warehouse import connect

MACROS = REPO_ROOT / "macros" / "analysis"
STATISTICS_MACROS = ["normal_distribution.sql", "two_proportion_z_test.sql", "edition_order_key.sql"]
FAMILY_MARTS = ["answers_single_choice", "answers_multi_choice", "answers_matrix", "answers_mean_score"]

KENNIS, TIJD = "Kennis en kunde", "Tijd en budget"
JA, NEEN = "Ja, voldoende tot zeer zeker", "Neen, helemaal niet tot onvoldoende"
ZWAKKER = "komen we als organisatie / L&D-afdeling zwakker uit de crisis."


# --- statistics macros ------------------------------------------------------------------


def render(sql: str) -> str:
    """`sql` with the analysis macros available, rendered as dbt would (plain Jinja)."""
    definitions = "".join((MACROS / name).read_text(encoding="utf-8") for name in STATISTICS_MACROS)
    return jinja2.Environment().from_string(definitions + sql).render().strip()


def evaluate(sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect()
    try:
        return con.execute(render(sql), params or []).fetchall()
    finally:
        con.close()


def test_normal_cdf_matches_exact_values_to_1e_6():
    rows = evaluate(
        "select x, {{ normal_cdf('x') }} from (select i / 100.0 as x from range(-1000, 1001) as r(i))"
    )
    assert len(rows) == 2001
    worst = max(abs(phi - 0.5 * math.erfc(-float(x) / math.sqrt(2))) for x, phi in rows)
    assert worst < 1e-6
    assert worst < 2e-7  # the Numerical Recipes erfc fit: fractional error < 1.2e-7


def test_normal_cdf_textbook_values():
    (row,) = evaluate(
        "select {{ normal_cdf('0') }}, {{ normal_cdf('1.959963984540054') }}, "
        "{{ normal_cdf('-1.6448536269514722') }}, {{ normal_cdf('null') }}"
    )
    assert row[0] == pytest.approx(0.5, abs=1e-6)
    assert row[1] == pytest.approx(0.975, abs=1e-6)
    assert row[2] == pytest.approx(0.05, abs=1e-6)
    assert row[3] is None


def test_two_sided_p_value_keeps_relative_precision_in_the_tail():
    rows = evaluate(
        "select z, {{ normal_two_sided_p_value('z') }} "
        "from (select i / 10.0 as z from range(-200, 201) as r(i))"
    )
    for z, p in rows:
        exact = math.erfc(abs(float(z)) / math.sqrt(2))
        assert abs(p - exact) < 1e-6
        assert abs(p - exact) <= 1.2e-7 * exact, z  # no cancellation to 0 for large |z|
    (row,) = evaluate(
        "select {{ normal_two_sided_p_value('1.96') }}, "
        "{{ normal_two_sided_p_value('-1.96') }}, {{ normal_two_sided_p_value('0') }}"
    )
    assert row[0] == pytest.approx(0.04999579, abs=1e-7)
    assert row[1] == row[0]
    assert row[2] == pytest.approx(1.0, abs=1e-6)


ZTEST_SQL = """
    with shares as (select ? as pct_1, ? as n_1, ? as pct_2, ? as n_2),
    tested as (
        select *, pct_2 - pct_1 as change_points,
               {{ proportion_difference_se_points('pct_1', 'n_1', 'pct_2', 'n_2') }} as se
        from shares
    )
    select change_points, se, change_points / se as z,
           {{ normal_two_sided_p_value('change_points / se') }} as p,
           change_points - {{ z_critical_95() }} * se as ci95_low,
           change_points + {{ z_critical_95() }} * se as ci95_high
    from tested
"""


def test_z_test_hand_computation_figure_8_with_assumed_bases():
    """Figure 8, Business without sufficient skills 36% (2017) -> 16% (2021), with an assumed
    2017 base of 150 and the report's 173 Business respondents of 2021, by hand:
    SE = sqrt(36*64/150 + 16*84/173) = sqrt(15.36 + 7.768786) = sqrt(23.128786) = 4.809240 points,
    z = -20 / 4.809240 = -4.158662, p = 2 * (1 - Phi(4.158662)) = 3.2012e-5,
    95% CI = -20 -/+ 1.959964 * 4.809240 = [-29.4259, -10.5741]."""
    ((change, se, z, p, low, high),) = evaluate(ZTEST_SQL, [36, 150, 16, 173])
    assert change == -20
    assert se == pytest.approx(4.809240, abs=1e-6)
    assert z == pytest.approx(-4.158662, abs=1e-6)
    assert p == pytest.approx(3.2012e-5, rel=1e-4)
    assert (low, high) == (pytest.approx(-29.4259, abs=1e-4), pytest.approx(-10.5741, abs=1e-4))


def test_z_test_hand_computation_exact_case():
    """10% -> 20%, n = 100 each: SE = sqrt(9 + 16) = 5, z = 2, p = 0.0455003,
    CI = 10 -/+ 9.799820 = [0.200180, 19.799820]; the yml unit test checks the same case
    through the answer_trends model itself."""
    ((change, se, z, p, low, high),) = evaluate(ZTEST_SQL, [10, 100, 20, 100])
    assert (change, se, z) == (10, 5, 2)
    assert p == pytest.approx(0.0455003, abs=1e-6)
    assert (low, high) == (pytest.approx(0.200180, abs=1e-6), pytest.approx(19.799820, abs=1e-6))


def test_z_test_is_null_without_a_base():
    ((change, se, z, p, low, high),) = evaluate(ZTEST_SQL, [10, None, 20, 100])
    assert change == 10
    assert (se, z, p, low, high) == (None, None, None, None, None)


def test_edition_order_key_puts_yearly_before_pulse():
    rows = evaluate(
        "select edition_id, {{ edition_order_key('y', 'm') }} as k from (values "
        "('2021', 2021, null), ('2020-04', 2020, 4), ('2020', 2020, null), "
        "('2020-03', 2020, 3), ('2019', 2019, null)) as e(edition_id, y, m) order by k"
    )
    assert rows == [
        ("2019", 201900),
        ("2020", 202000),
        ("2020-03", 202003),
        ("2020-04", 202004),
        ("2021", 202100),
    ]


# --- answer_trends on the real build ---------------------------------------------------


def test_the_pipeline_succeeded(built_warehouse):
    assert built_warehouse.result.success


def trend(built_warehouse, edition, audience, question_id, item_label, option_label):
    rows = built_warehouse.rows(
        """
        select previous_edition_id, previous_pct, pct, change_points
        from marts.answer_trends
        where source = 'published' and edition_id = ? and audience = ? and question_id = ?
          and item_label is not distinct from ? and option_label = ?
        """,
        [edition, audience, question_id, item_label, option_label],
    )
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    "audience, item, option, before, after",
    [
        # 'het aandeel business zonder L&D tech vaardigheden daalde van 36% naar 16%'
        ("business", KENNIS, NEEN, 36, 16),
        ("business", KENNIS, JA, 64, 84),
        # 'De aanbieders zagen een daling van 46% naar 20%'
        ("aanbieders", KENNIS, NEEN, 46, 20),
        ("aanbieders", KENNIS, JA, 54, 80),
        # business with limited means 'van bijna 6 op 10 naar 3 op 10'
        ("business", TIJD, NEEN, 57, 30),
        ("business", TIJD, JA, 43, 70),
        ("aanbieders", TIJD, NEEN, 53, 42),
        ("aanbieders", TIJD, JA, 47, 58),
    ],
)
def test_figure_8_change_2017_to_2021(built_warehouse, audience, item, option, before, after):
    assert trend(built_warehouse, "2021", audience, "ld_tech_capability", item, option) == (
        "2017",
        before,
        after,
        after - before,
    )


def test_pulse_surveys_march_to_april_2020(built_warehouse):
    """'In maart 2020 was 46% van hen overtuigd dat de L&D crisis hen zwakker zou maken, in
    april was dat nog 26%' (providers); Business 6% (March) and 10% (April)."""
    assert trend(built_warehouse, "2020-04", "aanbieders", "crisis_outcome", None, ZWAKKER) == (
        "2020-03",
        46,
        26,
        -20,
    )
    assert trend(built_warehouse, "2020-04", "business", "crisis_outcome", None, ZWAKKER) == (
        "2020-03",
        6,
        10,
        4,
    )
    # Figure 4 (2021) follows the last pulse that quoted the number
    assert trend(built_warehouse, "2021", "aanbieders", "crisis_outcome", None, ZWAKKER) == (
        "2020-04",
        26,
        9,
        -17,
    )
    assert trend(built_warehouse, "2020-03", "aanbieders", "crisis_outcome", None, ZWAKKER) == (
        None,
        None,
        46,
        None,
    )


def test_previous_edition_is_the_previous_one_with_a_share_not_the_previous_year(built_warehouse):
    # Figure 10: 2021 compares with 2019 (13 -> 27), 2019 with 2017 (12 -> 13)
    label = "Tussen € 750 en 1500 per persoon / jaar"
    assert trend(built_warehouse, "2021", "business", "ld_spend_per_person", None, label) == (
        "2019",
        13,
        27,
        14,
    )
    assert trend(built_warehouse, "2019", "business", "ld_spend_per_person", None, label) == (
        "2017",
        12,
        13,
        1,
    )
    # Figure 2, providers: 2015 -> 2021 with nothing in between
    assert trend(
        built_warehouse, "2021", "aanbieders", "provider_org_fte", None, "1 (zelfstandige / ZZP)"
    ) == ("2015", 28, 17, -11)
    # Figure 3: the yearly 2020 edition, not a 2020 pulse, precedes 2021
    assert trend(built_warehouse, "2021", "business", "crisis_mainly_offered", None, "mogelijkheden") == (
        "2020",
        63,
        83,
        20,
    )


def test_editions_sort_yearly_before_the_pulses_of_its_year(built_warehouse):
    order = [
        edition
        for edition, _ in built_warehouse.rows(
            "select distinct edition_id, edition_order_key from marts.answer_trends order by edition_order_key"
        )
    ]
    # the editions of the 2021 report and the 2025 commentary, in this order (a later edition
    # only adds to the list)
    known = ["2011", "2015", "2017", "2019", "2020", "2020-03", "2020-04", "2020-06", "2021", "2025"]
    assert [edition for edition in order if edition in known] == known


def test_published_shares_take_the_stated_respondent_total_as_base(built_warehouse):
    """The 2021 report states 173 Business, 142 Aanbieders and 315 respondents in all: its
    2021 shares get those bases, flagged as respondent totals. No earlier edition states one,
    so none of the 2021 report's changes is z-tested (a later edition stating its totals is:
    tests/test_adding_an_edition.py)."""
    bases = set(
        built_warehouse.rows(
            """
        select edition_id, audience, n_base, n_base_kind from marts.answer_trends
        where source = 'published' and source_report = 'Tendensen in Leren 2021' and n_base is not null
        """
        )
    )
    assert bases == {
        ("2021", "business", 173, "respondent_total"),
        ("2021", "aanbieders", 142, "respondent_total"),
        ("2021", "alle", 315, "respondent_total"),
    }
    assert (
        built_warehouse.scalar(
            "select count(*) from marts.answer_trends where source = 'published' "
            "and (n_base is null) <> (n_base_kind is null)"
        )
        == 0
    )
    (row,) = built_warehouse.rows(
        """
        select count(change_points), count(previous_n_base), count(z_score), count(p_value),
               count(ci95_low), count(ci95_high), count(is_significant)
        from marts.answer_trends where source = 'published' and source_report = 'Tendensen in Leren 2021'
        """
    )
    assert row[0] > 0 and row[1:] == (0,) * 6


def test_computed_shares_have_a_base_but_no_previous_edition_yet(built_warehouse):
    """Only 2021 has respondent exports, so a computed share has nothing to compare with:
    no previous edition, no change and no z-test, although its own base is known."""
    (row,) = built_warehouse.rows(
        """
        select count(*), count(distinct edition_id), any_value(edition_id), count(n_base),
               count(previous_edition_id), count(previous_pct), count(previous_n_base),
               count(change_points), count(z_score), count(p_value), count(ci95_low),
               count(ci95_high), count(is_significant), bool_and(is_synthetic)
        from marts.answer_trends where source = 'responses'
        """
    )
    n_shares, n_editions, edition, n_with_base, *previous_and_tests, synthetic = row
    assert n_shares > 300 and (n_editions, edition) == (1, "2021")
    assert n_with_base == n_shares
    assert previous_and_tests == [0] * 9
    assert synthetic is True


def test_computed_shares_never_compare_with_published_ones(built_warehouse):
    """Figure 8 Business 'Kennis en kunde' / 'Neen': the published 16% compares with 2017's
    36%; the same answer computed from the 2021 export (28 of 173 respondents) has no
    previous edition, although a published 2017 share exists for it."""
    rows = built_warehouse.rows(
        """
        select source, previous_edition_id, previous_pct, pct, n_base, change_points, z_score
        from marts.answer_trends
        where question_id = 'ld_tech_capability' and audience = 'business' and edition_id = '2021'
          and item_label = ? and option_label = ?
        order by source
        """,
        [KENNIS, NEEN],
    )
    assert rows == [
        ("published", "2017", 36, 16, 173, -20, None),  # 2021's respondent total; 2017 states none
        ("responses", None, None, pytest.approx(100 * 28 / 173), 173, None, None),
    ]
    # wherever a previous edition exists, it is one of the same source
    assert (
        built_warehouse.scalar(
            """
        select count(*) from marts.answer_trends as current
        where current.previous_edition_id is not null and not exists (
            select 1 from marts.answer_trends as previous
            where previous.edition_id = current.previous_edition_id
              and previous.source = current.source
              and previous.audience = current.audience
              and previous.question_id = current.question_id
              and previous.item_key is not distinct from current.item_key
              and previous.option_key = current.option_key)
        """
        )
        == 0
    )


def test_computed_shares_are_exact_fractions_of_their_base(built_warehouse):
    """pct = 100 x respondents choosing / n_base: exact decimals, not whole percentages."""
    rows = built_warehouse.rows(
        "select pct, n_base from marts.answer_trends where source = 'responses' and pct is not null"
    )
    assert rows
    for pct, n_base in rows:
        chosen = pct * n_base / 100
        assert chosen == pytest.approx(round(chosen), abs=1e-9), (pct, n_base)
    # suppression: a computed share is null exactly where fewer than 10 respondents are behind it
    assert (
        built_warehouse.scalar(
            "select count(*) from marts.answer_trends where source = 'responses' "
            "and (pct is null) <> (n_base < 10)"
        )
        == 0
    )
    assert (
        built_warehouse.scalar(
            "select count(*) from marts.answer_trends where source = 'published' and pct is null"
        )
        == 0
    )


def test_every_share_is_in_answer_trends_subtotals_included(built_warehouse):
    assert built_warehouse.rows(
        "select source, count(*), count(*) filter (where is_subtotal) from marts.answer_trends "
        "group by source order by source"
    ) == built_warehouse.rows(
        "select source, count(*), count(*) filter (where is_subtotal) from marts.answer_shares "
        "group by source order by source"
    )
    # Figure 5, 6 and 7 print subtotals: 4 + 2 + 4
    assert (
        built_warehouse.scalar(
            "select count(*) from marts.answer_trends where is_subtotal and source = 'published' "
            "and source_report = ?",
            [REPORT_2021],
        )
        == 10
    )
    # the exports compute the same subtotals from the respondents choosing any of their parts
    assert built_warehouse.rows(
        """
        select question_id, audience, count(*) filter (where source = 'published'),
               count(*) filter (where source = 'responses')
        from marts.answer_trends
        where is_subtotal and (source_report = ? or (source = 'responses' and edition_id = '2021'))
        group by all order by all
        """,
        [REPORT_2021],
    ) == [
        ("corona_adaptation_moment", "aanbieders", 2, 2),
        ("corona_adaptation_moment", "business", 2, 2),
        ("corona_revenue_impact", "aanbieders", 2, 2),
        ("ld_technology_use", "aanbieders", 2, 2),
        ("ld_technology_use", "business", 2, 2),
    ]


# --- question_catalog ------------------------------------------------------------------

BUSINESS_EXPORT = "SurveyMonkey-export 2021 business (synthetisch) 5799e93f3583"
PROVIDERS_EXPORT = "SurveyMonkey-export 2021 aanbieders (synthetisch) bbe47552ee29"


def test_catalog_lists_spend_per_person_in_2017_2019_2021(built_warehouse):
    rows = built_warehouse.rows(
        f"""
        select edition_id, audience, source, n_options, source_figures, source_report
        from marts.question_catalog where question_id = 'ld_spend_per_person'
          and source = 'published' and edition_id in ({PINNED_EDITIONS})
        order by edition_order_key
        """
    )
    assert rows == [
        (edition, "business", "published", 5, "10", "Tendensen in Leren 2021")
        for edition in ("2017", "2019", "2021")
    ]


def test_catalog_lists_the_computed_source_for_2021_questions(built_warehouse):
    """Figure 10 computed from the Business export: a row of its own, named after the export,
    synthetic, no figure and not a prose quote."""
    assert built_warehouse.rows(
        """
        select edition_id, audience, n_options, source_figures, has_prose_shares, is_synthetic,
               source_report
        from marts.question_catalog
        where question_id = 'ld_spend_per_person' and source = 'responses'
        """
    ) == [("2021", "business", 5, None, False, True, BUSINESS_EXPORT)]
    # every 2021 question published for Business or Aanbieders is also computed from their
    # export, and only 2021 is computed
    published = set(
        built_warehouse.rows(
            "select question_id, audience from marts.question_catalog where source = 'published' "
            "and edition_id = '2021' and audience in ('business', 'aanbieders')"
        )
    )
    computed = set(
        built_warehouse.rows(
            "select question_id, audience from marts.question_catalog where source = 'responses'"
        )
    )
    assert len(published) == 34
    assert computed == published
    assert built_warehouse.rows(
        "select distinct edition_id, is_synthetic, has_prose_shares, source_figures "
        "from marts.question_catalog where source = 'responses'"
    ) == [("2021", True, False, None)]
    assert {
        report
        for (report,) in built_warehouse.rows(
            "select distinct source_report from marts.question_catalog where source = 'responses'"
        )
    } == {BUSINESS_EXPORT, PROVIDERS_EXPORT}


def test_catalog_figures_and_prose(built_warehouse):
    rows = built_warehouse.rows(
        f"""
        select edition_id, audience, source_figures, has_prose_shares, n_options
        from marts.question_catalog where question_id = 'crisis_outcome' and source = 'published'
          and edition_id in ({PINNED_EDITIONS})
        order by edition_order_key, audience
        """
    )
    assert rows == [
        ("2020-03", "aanbieders", None, True, 1),
        ("2020-03", "business", None, True, 1),
        ("2020-04", "aanbieders", None, True, 1),
        ("2020-04", "business", None, True, 1),
        ("2021", "aanbieders", "4", False, 2),
        ("2021", "business", "4", False, 2),
    ]
    # Figure 8: two items x two options; Figure 7: four options and two subtotals
    assert built_warehouse.rows(
        "select n_items, n_options, n_subtotals, n_shares from marts.question_catalog "
        "where question_id = 'ld_tech_capability' and edition_id = '2017' and audience = 'business'"
    ) == [(2, 2, 0, 4)]
    assert built_warehouse.rows(
        "select source, n_options, n_subtotals, source_figures from marts.question_catalog "
        f"where question_id = 'ld_technology_use' and audience = 'business' and edition_id in ({PINNED_EDITIONS}) "
        "order by source"
    ) == [("published", 4, 2, "7"), ("responses", 4, 2, None)]


def test_catalog_covers_every_share_group_with_the_codebook_wording(built_warehouse):
    assert built_warehouse.rows(
        "select source, sum(n_shares) from marts.question_catalog group by source order by source"
    ) == built_warehouse.rows(
        "select source, count(*) from marts.answer_shares group by source order by source"
    )
    assert (
        built_warehouse.scalar(
            """
        select count(*) from marts.question_catalog as catalog
        inner join marts.dim_question as questions using (question_id)
        where catalog.question_text is distinct from questions.question_text
        """
        )
        == 0
    )


# --- edition_summary -------------------------------------------------------------------


def test_edition_summary_is_a_view(built_warehouse):
    assert (
        built_warehouse.scalar(
            "select table_type from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'edition_summary'"
        )
        == "VIEW"
    )


def test_edition_summary_respondents_and_shares(built_warehouse):
    """'315 deelnemers: 173 collega's uit de business en 142 aanbieders' for the published
    numbers; the landed 2021 exports hold the same 173 + 142 (synthetic) respondents, counted
    from dim_respondent in rows of their own, never added to the report's counts."""
    rows = built_warehouse.rows(
        """
        select audience, source, is_synthetic, n_respondents, n_questions, n_shares,
               n_suppressed_shares
        from marts.edition_summary where edition_id = '2021' order by audience, source
        """
    )
    assert rows == [
        ("aanbieders", "published", False, 142, 15, 150, 0),
        ("aanbieders", "responses", True, 142, 15, 151, 0),
        ("alle", "published", False, 315, 1, 1, 0),
        ("business", "published", False, 173, 19, 169, 0),
        ("business", "responses", True, 173, 19, 170, 0),
    ]
    # the responses rows count the landed respondents, not the report's statement
    assert built_warehouse.rows(
        "select audience, count(distinct respondent_key)::integer from marts.dim_respondent "
        "where edition_id = '2021' group by audience order by audience"
    ) == [("aanbieders", 142), ("business", 173)]
    assert built_warehouse.rows(
        "select source, sum(n_shares) from marts.edition_summary group by source order by source"
    ) == built_warehouse.rows(
        "select source, count(*) from marts.answer_shares group by source order by source"
    )
    # only 2021 has exports; editions without a stated respondent count have null, not 0
    assert built_warehouse.rows(
        "select distinct edition_id from marts.edition_summary where source = 'responses'"
    ) == [("2021",)]
    assert built_warehouse.rows(
        "select n_respondents from marts.edition_summary where edition_id = '2017' and audience = 'business'"
    ) == [(None,)]


def test_edition_summary_reports_the_latest_audit_run(built_warehouse):
    latest = built_warehouse.scalar("select arg_max(run_id, checked_at) from audit.share_checks")
    assert latest is not None, "the share checks did not record a run"
    # every row of the latest run counts once, for one source
    expected = set(
        built_warehouse.rows(
            """
        select edition_id, audience, count(*)::integer, count(*) filter (where not passed)::integer,
               count(*) filter (where not passed and acknowledged)::integer
        from audit.share_checks where run_id = ? group by all
        """,
            [latest],
        )
    )
    actual = set(
        built_warehouse.rows(
            """
        select edition_id, audience, sum(checked_groups)::integer, sum(failed_groups)::integer,
               sum(acknowledged_groups)::integer
        from marts.edition_summary where checked_groups > 0 group by all
        """
        )
    )
    assert actual == expected
    assert {
        run for (run,) in built_warehouse.rows("select distinct audit_run_id from marts.edition_summary")
    } == {latest}

    # Published: the groups of the reports' own numbers, as audit.share_checks has them for
    # the two reports (computed_matches_published names the report too, but counts for the
    # computed shares it checks).
    assert set(
        built_warehouse.rows(
            f"""
        select edition_id, audience, checked_groups, failed_groups, acknowledged_groups
        from marts.edition_summary where source = 'published' and checked_groups > 0
          and edition_id in ({PINNED_EDITIONS})
        """
        )
    ) == set(
        built_warehouse.rows(
            """
        select edition_id, audience, count(*)::integer, count(*) filter (where not passed)::integer,
               count(*) filter (where not passed and acknowledged)::integer
        from audit.share_checks
        where run_id = ? and rule <> 'computed_matches_published'
          and source_report in ('Tendensen in Leren 2021',
                                'Tendensen in Leren 2025: realiteit boven ambitie (commentaar)')
        group by all
        """,
            [latest],
        )
    )
    # The report's seven documented anomalies (seed acknowledged_anomalies) fail and are
    # acknowledged; nothing else of the published numbers fails.
    assert built_warehouse.rows(
        "select sum(failed_groups)::integer, sum(acknowledged_groups)::integer, "
        "sum(unacknowledged_failed_groups)::integer from marts.edition_summary "
        f"where source = 'published' and edition_id in ({PINNED_EDITIONS})"
    ) == [(7, 7, 0)]
    assert built_warehouse.rows(
        "select failed_groups, acknowledged_groups from marts.edition_summary "
        "where edition_id = '2017' and audience = 'business' and source = 'published'"
    ) == [(1, 1)]  # Figure 10, 2017 column adds to 95

    # Computed: the same sum, subtotal and range rules on the export's shares (all pass),
    # plus one computed_matches_published row per compared option. Those fail only where the
    # report's own numbers are inconsistent, and inherit the acknowledgement.
    computed = {
        audience: rest
        for audience, *rest in built_warehouse.rows(
            """
        select audience, checked_groups, failed_groups, acknowledged_groups,
               unacknowledged_failed_groups
        from marts.edition_summary where source = 'responses'
        """
        )
    }
    by_rule = {
        (audience, source_report == "Tendensen in Leren 2021"): (n, failed, acknowledged)
        for audience, source_report, n, failed, acknowledged in built_warehouse.rows(
            """
        select audience, source_report, count(*)::integer,
               count(*) filter (where not passed)::integer,
               count(*) filter (where not passed and acknowledged)::integer
        from audit.share_checks
        where run_id = ? and edition_id = '2021'
          and (rule = 'computed_matches_published' or source_report like 'SurveyMonkey-export%')
        group by all
        """,
            [latest],
        )
    }
    assert by_rule[("business", False)] == (88, 0, 0)  # the export's own groups
    assert by_rule[("business", True)] == (169, 27, 27)  # every published option compared
    assert by_rule[("aanbieders", False)] == (82, 0, 0)
    assert by_rule[("aanbieders", True)] == (150, 16, 16)
    assert computed == {"business": [257, 27, 27, 0], "aanbieders": [232, 16, 16, 0]}
    assert built_warehouse.rows(
        "select sum(failed_groups)::integer, sum(acknowledged_groups)::integer, "
        "sum(unacknowledged_failed_groups)::integer from marts.edition_summary "
        f"where edition_id in ({PINNED_EDITIONS})"
    ) == [(50, 50, 0)]


def test_edition_summary_follows_a_newer_audit_run(built_warehouse, tmp_path):
    """A view: a validation run written after the build shows without rebuilding.
    Checked on a copy (same file name, so the views' catalog name still resolves)."""
    copy = tmp_path / Path(built_warehouse.path).name
    shutil.copyfile(built_warehouse.path, copy)
    with connect(copy, read_only=False) as con:
        con.execute(
            """
            insert into audit.share_checks (run_id, checked_at, rule, edition_id, audience,
                question_id, source_report, passed, acknowledged)
            select 'a-newer-run', max(checked_at) + interval 1 hour, 'single_choice_sums_to_100',
                   '2021', 'business', 'ld_means_evolution', ?, false, false
            from audit.share_checks
            """,
            [BUSINESS_EXPORT],
        )
        rows = con.execute(
            "select edition_id, audience, source, audit_run_id, checked_groups, failed_groups, "
            "unacknowledged_failed_groups from marts.edition_summary where checked_groups > 0"
        ).fetchall()
    # a group of the Business export counts for the computed shares
    assert rows == [("2021", "business", "responses", "a-newer-run", 1, 1, 1)]


# --- per-family marts ------------------------------------------------------------------


def test_family_marts_partition_answer_trends(built_warehouse):
    union = " union all ".join(f"select share_id from marts.{mart}" for mart in FAMILY_MARTS)
    assert built_warehouse.scalar(f"select count(*) from ({union})") == built_warehouse.scalar(
        "select count(*) from marts.answer_trends"
    )
    assert built_warehouse.scalar(
        f"select count(distinct share_id) from ({union})"
    ) == built_warehouse.scalar("select count(*) from marts.answer_trends")


def test_family_marts_keep_the_source(built_warehouse):
    union = " union all ".join(f"select source, share_id from marts.{mart}" for mart in FAMILY_MARTS)
    assert built_warehouse.rows(
        f"select source, count(*) from ({union}) group by source order by source"
    ) == built_warehouse.rows(
        "select source, count(*) from marts.answer_trends group by source order by source"
    )


def test_single_choice_subtotals_beside_parts_figure_5(built_warehouse):
    """Figure 5, Business: 24% 'vrijwel meteen' + 49% 'na enkele maanden' = 73% adapted
    within a few months ('73% van de business')."""
    rows = built_warehouse.rows(
        """
        select pct, subtotal_pct from marts.answers_single_choice
        where question_id = 'corona_adaptation_moment' and audience = 'business'
          and edition_id = '2021' and subtotal_option_label like 'Subtotaal: vrijwel meteen%'
          and source = 'published'
        order by option_order
        """
    )
    assert rows == [(24, 73), (49, 73)]


def test_single_choice_computed_subtotal_beside_computed_parts(built_warehouse):
    """The same Figure 5 from the Business export: 41 + 85 of 173 respondents, and the computed
    subtotal (126 of 173) beside them, never the published 73."""
    rows = built_warehouse.rows(
        """
        select pct, subtotal_pct, n_base, option_rank, distribution_sum_pct
        from marts.answers_single_choice
        where question_id = 'corona_adaptation_moment' and audience = 'business'
          and edition_id = '2021' and subtotal_option_label like 'Subtotaal: vrijwel meteen%'
          and source = 'responses'
        order by option_order
        """
    )
    assert rows == [
        (pytest.approx(100 * 41 / 173), pytest.approx(100 * 126 / 173), 173, 2, pytest.approx(100)),
        (pytest.approx(100 * 85 / 173), pytest.approx(100 * 126 / 173), 173, 1, pytest.approx(100)),
    ]


def test_multi_choice_top_three_figure_12(built_warehouse):
    rows = built_warehouse.rows(
        """
        select option_label, pct, option_rank, tick_sum_pct from marts.answers_multi_choice
        where question_id = 'ld_tech_reasons' and audience = 'business' and edition_id = '2021'
          and source = 'published' and is_top_choice order by option_rank, option_label
        """
    )
    assert rows[0] == ("Efficiëntie", 47, 1, 319)  # 319: the acknowledged excess over 300
    assert [rank for _, _, rank, _ in rows] == [1, 2, 2]


def test_multi_choice_computed_from_the_export_respects_three_ticks(built_warehouse):
    """From the export every Business respondent ticked exactly three reasons: the ticks add
    to 300 (not the published 319), ranked on their own; Efficiëntie 78 of 173."""
    rows = built_warehouse.rows(
        """
        select option_label, pct, n_base, option_rank, tick_sum_pct from marts.answers_multi_choice
        where question_id = 'ld_tech_reasons' and audience = 'business' and edition_id = '2021'
          and source = 'responses' and is_top_choice order by option_rank, option_label
        """
    )
    assert rows == [
        ("Efficiëntie", pytest.approx(100 * 78 / 173), 173, 1, pytest.approx(300)),
        ("Individualisering van aanbod", pytest.approx(100 * 75 / 173), 173, 2, pytest.approx(300)),
        ("Tijdswinst", pytest.approx(100 * 75 / 173), 173, 2, pytest.approx(300)),
    ]


def test_matrix_item_rank_figure_20(built_warehouse):
    assert built_warehouse.rows(
        """
        select source, item_label, pct from marts.answers_matrix
        where question_id = 'ld_roles_evolution' and audience = 'business' and edition_id = '2021'
          and option_label = 'Wordt belangrijker als nu' and item_rank = 1
        order by source
        """
    ) == [
        ("published", "Talent Manager", 62),
        ("responses", "Talent Manager", pytest.approx(100 * 107 / 173)),
    ]


def test_mean_scores_2011(built_warehouse):
    """'De inhoud van de training (6.69) en de prijs/kwaliteitsverhouding (6.19)'."""
    assert built_warehouse.rows(
        "select item_label, mean_score from marts.answers_mean_score where item_rank <= 2 "
        "and source = 'published' order by item_rank"
    ) == [("Inhoud van de training", 6.69), ("Prijs/kwaliteitsverhouding", 6.19)]
