"""The share rules as SQL: each rule turns `marts.answer_shares` into one row per checked group.

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
class Rule:
    name: str
    sql: str
    description: str


def _sum_rule(name: str, question_types: list[str], bounds: str, description: str) -> Rule:
    types = ", ".join(f"'{question_type}'" for question_type in question_types)
    sums = _DISTRIBUTION_SUMS.format(shares=_SHARES, rule=name, types=types)
    return Rule(name, f"select *, {bounds} from ({sums}) order by all", description)


RULES: list[Rule] = [
    _sum_rule(
        "single_choice_sums_to_100",
        ["single_choice"],
        "100 - n_parts / 2 as lower_bound, 100 + n_parts / 2 as upper_bound",
        "The plain options of a single-choice question add to 100 ± k/2 (k options).",
    ),
    _sum_rule(
        "matrix_row_sums_to_100",
        ["agreement_matrix", "scale_matrix"],
        "100 - n_parts / 2 as lower_bound, 100 + n_parts / 2 as upper_bound",
        "Each row of a matrix question adds to 100 ± k/2 (k options).",
    ),
    _sum_rule(
        "multi_choice_within_max",
        ["multi_choice"],
        "0.0 as lower_bound, 100 * max_choices + n_parts / 2 as upper_bound",
        "A pick-up-to-m question adds to at most 100·m + k/2, and no option exceeds 100.",
    ),
    Rule(
        "subtotal_equals_parts",
        f"""
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
        "A published subtotal equals the sum of its p parts within (p + 1)/2.",
    ),
    Rule(
        "computed_matches_published",
        f"""
        with shares as ({_SHARES})
        select
            'computed_matches_published' as rule, computed.source, computed.edition_id,
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
        "A share computed from a raw export matches the published share within 0.5 point plus rounding.",
    ),
    Rule(
        "pct_in_range",
        f"""
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
        "Every share lies within 0-100 and none is null.",
    ),
]

RULES_BY_NAME = {rule.name: rule for rule in RULES}
