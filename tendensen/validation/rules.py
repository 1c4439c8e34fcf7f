"""The rule registry: every share rule declared once, with all that is known of it.

A rule (`Rule`) has its name (also the Dagster asset check's, the GX suite's and the value of
`audit.share_checks.rule`), the SQL computing its group rows, its tolerance and what one group
is (in words), a one-line description, its Dutch label for the HTML report, and its Great
Expectations suite. `RULES` lists them in display order (the report, the `make run` summary,
the Dagster checks and Data Docs all follow it). Everything else derives from it:
orchestration/defs/validation/checks.py builds the asset checks, `python -m tendensen.validation.rule_files`
writes expectations/<rule>.json and the table of docs/validation.md, and
tests/test_rule_registry.py fails when a file (the dbt accepted values, a suite, the docs) and
the registry disagree. See docs/validation.md, "Adding a rule".

Each rule turns `marts.answer_shares` into one row per checked group.

Every group row carries the contract's group keys (edition_id, audience, question_id,
item_label, source_report, source_figure), the `observed` value and the bounds the rule allows.
Great Expectations then validates those rows (see gx_runner.py and expectations/*.json);
the aggregation happens in DuckDB so validation never pulls raw shares into pandas.

Tolerances come from rounding, not from a constant. The report publishes whole percentages,
so each published share is within 0.5 of its true value:
- k plain options of one distribution, whose true values add to 100, may add to 100 ± k/2;
- a pick-up-to-m question's true sum is at most 100·m, so its published sum at most 100·m + k/2;
- a published subtotal of p parts: the subtotal and each part are rounded on their own, so
  subtotal and sum of parts may differ by (p + 1)/2;
- a computed share (exact) matches its published counterpart within 0.5 point of tolerance
  plus the 0.5 of the published rounding.
A rule may add a `group_detail` column (the subtotal, the option) naming what inside the
group was checked; it is carried into the audit note. Computed shares suppressed for a small
base (null) are left out of every rule.
See expectations/README.md for the reasoning in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tendensen.settings import REPO_ROOT

# Where each rule's GX suite is versioned, as <rule name>.json (written by rule_files.py).
SUITES_DIR = REPO_ROOT / "expectations"

# The rule comparing shares computed from a raw export with the published ones: its groups'
# source_report/source_figure name the published figure, and its failures inherit the
# acknowledgement of the published group (share_checks.py, report/).
RECONCILIATION_RULE = "computed_matches_published"

GROUP_KEYS = ["edition_id", "audience", "question_id", "item_label", "source_report", "source_figure"]

# Shares with the attributes the rules need; `source` keeps published and computed apart.
_SHARES = """
    select
        shares.source,
        shares.edition_id,
        shares.audience,
        shares.question_id,
        shares.question_type,
        shares.max_choices,
        shares.item_label,
        shares.option_label,
        shares.is_subtotal,
        shares.is_partial,
        shares.pct,
        shares.source_report,
        shares.source_figure,
        subtotals.option_label as subtotal_label
    from marts.answer_shares as shares
    left join marts.dim_option as options
        on options.question_id = shares.question_id
       and options.option_label = shares.option_label
    left join marts.dim_option as subtotals
        on subtotals.option_key = options.subtotal_option_key
    -- computed shares over fewer than 10 respondents are suppressed (null) on purpose
    where not (shares.source = 'responses' and shares.pct is null)
"""

# Plain options of complete distributions of the given question types, summed per group.
_DISTRIBUTION_SUMS = """
    with shares as ({shares})
    select
        '{rule}' as rule, source, edition_id, audience, question_id, item_label,
        source_report, source_figure,
        sum(pct)            as observed,
        count(*)            as n_parts,
        max(max_choices)    as max_choices,
        max(pct)            as max_option_pct
    from shares
    where question_type in ({types}) and not is_subtotal
    group by all
    -- numbers quoted in prose are partial distributions: never checked for sums
    having not bool_or(is_partial)
"""


@dataclass(frozen=True)
class Expectation:
    """One Great Expectations expectation of a rule's suite, as the suite file spells it."""

    type: str
    kwargs: dict[str, Any]
    notes: str

    def as_json(self) -> dict:
        return {"type": self.type, "kwargs": self.kwargs, "meta": {"notes": self.notes}}


@dataclass(frozen=True)
class Rule:
    name: str  # the Dagster check, the GX suite (expectations/<name>.json), audit.share_checks.rule
    sql: str  # one row per checked group: GROUP_KEYS, observed, lower_bound, upper_bound, ...
    description: str  # one line: the Dagster check's description, the docs' table
    tolerance: str  # the bounds, in words
    group: str  # what one checked group (one row of `sql`) is
    label_nl: str  # in the HTML report (Dutch, like the rest of the page)
    suite_notes: str  # the GX suite's notes, shown in the Data Docs
    expectations: tuple[Expectation, ...]  # the GX suite, run over the rows of `sql`

    def suite(self) -> dict:
        """The GX suite as expectations/<name>.json holds it."""
        return {
            "name": self.name,
            "notes": self.suite_notes,
            "expectations": [expectation.as_json() for expectation in self.expectations],
        }


def _not_null(column: str, notes: str) -> Expectation:
    return Expectation("expect_column_values_to_not_be_null", {"column": column}, notes)


def _between(column: str, notes: str, **bounds: float) -> Expectation:
    return Expectation("expect_column_values_to_be_between", {"column": column, **bounds}, notes)


def _at_least(column_a: str, column_b: str, notes: str) -> Expectation:
    """column_a >= column_b; a row where either is null is not ignored (it fails elsewhere)."""
    kwargs = {"column_A": column_a, "column_B": column_b, "or_equal": True, "ignore_row_if": "neither"}
    return Expectation("expect_column_pair_values_a_to_be_greater_than_b", kwargs, notes)


def _bounds_expectations(observed: str) -> tuple[Expectation, ...]:
    """lower_bound <= observed <= upper_bound, all three present (inclusive bounds);
    `observed` says what the observed value is, for the notes."""
    return (
        _not_null(
            "observed",
            f"The observed value ({observed}) is present: a missing value cannot be checked, so the row fails.",
        ),
        _not_null(
            "lower_bound", "The lower bound is present: without it the row cannot be checked, so it fails."
        ),
        _not_null(
            "upper_bound", "The upper bound is present: without it the row cannot be checked, so it fails."
        ),
        _at_least(
            "observed",
            "lower_bound",
            f"The observed value ({observed}) is at least the lower bound (a value exactly on the bound passes).",
        ),
        _at_least(
            "upper_bound",
            "observed",
            f"The observed value ({observed}) is at most the upper bound (a value exactly on the bound passes).",
        ),
    )


def _distribution_sums_sql(name: str, question_types: list[str], bounds: str) -> str:
    types = ", ".join(f"'{question_type}'" for question_type in question_types)
    sums = _DISTRIBUTION_SUMS.format(shares=_SHARES, rule=name, types=types)
    return f"select *, {bounds} from ({sums}) order by all"


_PLAIN_SUM_BOUNDS = "100 - n_parts / 2 as lower_bound, 100 + n_parts / 2 as upper_bound"

# In display order: the report's validation table, the `make run` summary, the Dagster checks.
RULES: list[Rule] = [
    Rule(
        name="single_choice_sums_to_100",
        sql=_distribution_sums_sql("single_choice_sums_to_100", ["single_choice"], _PLAIN_SUM_BOUNDS),
        description="The plain options of a single-choice question add to 100 ± k/2 (k options).",
        tolerance="100 ± k/2 (k plain options)",
        group="edition × audience × question × source",
        label_nl="enkelvoudige keuze telt op tot 100%",
        suite_notes=(
            "One row per single-choice question, edition and audience: the published option "
            "percentages must add up to 100, within the rounding tolerance given by lower_bound "
            "and upper_bound."
        ),
        expectations=_bounds_expectations("sum of the option percentages"),
    ),
    Rule(
        name="multi_choice_within_max",
        sql=_distribution_sums_sql(
            "multi_choice_within_max",
            ["multi_choice"],
            "0.0 as lower_bound, 100 * max_choices + n_parts / 2 as upper_bound",
        ),
        description="A pick-up-to-m question adds to at most 100·m + k/2, and no option exceeds 100.",
        tolerance="0 to 100·m + k/2 (pick up to m of k options); each option ≤ 100",
        group="edition × audience × question × source",
        label_nl="meerkeuze: som hoogstens 100% × aantal keuzes",
        suite_notes=(
            "One row per multiple-choice question, edition and audience: the option percentages "
            "may add up to more than 100, but must stay within lower_bound and upper_bound, and no "
            "single option may exceed 100%."
        ),
        expectations=(
            *_bounds_expectations("sum of the option percentages"),
            _not_null(
                "max_option_pct",
                "The largest option percentage is present: without it the row cannot be checked, so it fails.",
            ),
            _between(
                "max_option_pct",
                "No single option of a multiple-choice question is chosen by more than 100% of respondents.",
                max_value=100,
            ),
        ),
    ),
    Rule(
        name="matrix_row_sums_to_100",
        sql=_distribution_sums_sql(
            "matrix_row_sums_to_100", ["agreement_matrix", "scale_matrix"], _PLAIN_SUM_BOUNDS
        ),
        description="Each row of a matrix question adds to 100 ± k/2 (k options).",
        tolerance="100 ± k/2 (k options of the scale)",
        group="edition × audience × question × item × source",
        label_nl="matrixrij telt op tot 100%",
        suite_notes=(
            "One row per matrix item (a row of a matrix question), edition and audience: the "
            "percentages of the answer scale must add up to 100, within the rounding tolerance "
            "given by lower_bound and upper_bound."
        ),
        expectations=_bounds_expectations("sum of the scale percentages of the item"),
    ),
    Rule(
        name="subtotal_equals_parts",
        sql=f"""
        with shares as ({_SHARES}),
        parts as (
            select source, edition_id, audience, question_id, item_label, source_figure,
                   subtotal_label, sum(pct) as parts_sum, count(*) as n_parts
            from shares
            where subtotal_label is not null
            group by all
        )
        select
            'subtotal_equals_parts' as rule, subtotal.source, subtotal.edition_id,
            subtotal.audience, subtotal.question_id, subtotal.item_label,
            subtotal.source_report, subtotal.source_figure,
            subtotal.option_label as group_detail,
            subtotal.pct as observed,
            parts.n_parts,
            parts.parts_sum,
            parts.parts_sum - (parts.n_parts + 1) / 2 as lower_bound,
            parts.parts_sum + (parts.n_parts + 1) / 2 as upper_bound
        from shares as subtotal
        inner join parts
            on parts.source = subtotal.source
           and parts.edition_id = subtotal.edition_id
           and parts.audience = subtotal.audience
           and parts.question_id = subtotal.question_id
           and parts.item_label is not distinct from subtotal.item_label
           and parts.source_figure is not distinct from subtotal.source_figure
           and parts.subtotal_label = subtotal.option_label
        where subtotal.is_subtotal
        order by all
        """,
        description="A published subtotal equals the sum of its p parts within (p + 1)/2.",
        tolerance="sum of the p parts ± (p + 1)/2",
        group="one published subtotal",
        label_nl="subtotaal is de som van zijn delen",
        suite_notes=(
            "One row per published subtotal: the sum of its parts must equal the subtotal, within "
            "the rounding tolerance given by lower_bound and upper_bound."
        ),
        expectations=_bounds_expectations("the published subtotal"),
    ),
    Rule(
        name="pct_in_range",
        sql=f"""
        with shares as ({_SHARES})
        select
            'pct_in_range' as rule, source, edition_id, audience, question_id, item_label,
            source_report, source_figure,
            -- the share farthest outside [0, 100], else the largest
            case when min(pct) < 0 then min(pct) else max(pct) end as observed,
            count(*) as n_parts,
            count(*) - count(pct) as n_null,
            min(pct) as min_pct,
            max(pct) as max_pct,
            0.0 as lower_bound,
            100.0 as upper_bound
        from shares
        group by all
        order by all
        """,
        description="Every share lies within 0-100 and none is null.",
        tolerance="none: 0 ≤ share ≤ 100",
        group="edition × audience × question × item × source",
        label_nl="waarde binnen het bereik van de schaal",
        suite_notes=(
            "One row per group of shares (edition x audience x question x item x source): every "
            "share is a number between 0 and 100 and none is missing. `observed` is the share "
            "farthest outside [0, 100] (else the largest), `min_pct`/`max_pct` the extremes, "
            "`n_null` the missing shares."
        ),
        expectations=(
            _not_null("observed", "The group has at least one share that is not missing."),
            _between("min_pct", "The smallest share of the group is at least 0.", min_value=0, max_value=100),
            _between("max_pct", "The largest share of the group is at most 100.", min_value=0, max_value=100),
            _between(
                "n_null",
                "No share of the group is missing (null): a published share is always a number.",
                min_value=0,
                max_value=0,
            ),
        ),
    ),
    Rule(
        name=RECONCILIATION_RULE,
        sql=f"""
        with shares as ({_SHARES})
        select
            '{RECONCILIATION_RULE}' as rule, computed.source, computed.edition_id,
            computed.audience, computed.question_id, computed.item_label,
            published.source_report, published.source_figure,
            'option "' || computed.option_label || '" (published ' || published.pct
                || ', computed from ' || computed.source_report || ')' as group_detail,
            computed.pct as observed,
            published.pct - 1.0 as lower_bound,
            published.pct + 1.0 as upper_bound
        from shares as computed
        inner join shares as published
            on published.source = 'published'
           and published.edition_id = computed.edition_id
           and published.audience = computed.audience
           and published.question_id = computed.question_id
           and published.item_label is not distinct from computed.item_label
           and published.option_label = computed.option_label
        where computed.source = 'responses'
        order by all
        """,
        description="A share computed from a raw export matches the published share within 0.5 point plus rounding.",
        tolerance="published share ± 1 (0.5 point plus the published rounding)",
        group="edition × audience × question × item × option (computed from an export)",
        label_nl="berekend aandeel komt overeen met het gepubliceerde",
        suite_notes=(
            "One row per figure that the warehouse recomputes: the computed percentage must match "
            "the published one, within the tolerance given by lower_bound and upper_bound."
        ),
        expectations=_bounds_expectations("computed percentage"),
    ),
]

RULES_BY_NAME = {rule.name: rule for rule in RULES}
RULE_NAMES = tuple(RULES_BY_NAME)
