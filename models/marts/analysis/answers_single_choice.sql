-- Single-choice questions (one answer per respondent, plain options add to ~100): each
-- option with its published subtotal beside it, its rank and the sum of its distribution,
-- ready for stacked bars. Grain: question x option x audience x edition x source.
-- Every window and join stays within one source: a published distribution (whole
-- percentages) is never ranked or summed together with the same distribution computed
-- from an export. Computed shares suppressed under 10 respondents (pct null) get no rank.
with trends as (
    select * from {{ ref('answer_trends') }}
    where question_type = 'single_choice'
),

options as (
    select * from {{ ref('dim_option') }}
),

ranked as (
    select
        trends.*,
        options.subtotal_option_key,
        -- plain options ranked among themselves; subtotal rows and suppressed shares never
        case when not trends.is_subtotal and trends.pct is not null then
            rank() over (
                partition by trends.edition_id, trends.audience, trends.question_id,
                    trends.item_key, trends.source, trends.is_subtotal
                order by trends.pct desc nulls last
            )
        end as option_rank,
        sum(case when not trends.is_subtotal then trends.pct end) over (
            partition by trends.edition_id, trends.audience, trends.question_id,
                trends.item_key, trends.source
        ) as distribution_sum_pct
    from trends
    inner join options
        on trends.option_key = options.option_key
)

select
    {{ answer_family_key_columns('ranked') }},
    ranked.is_subtotal,
    subtotal_options.option_label               as subtotal_option_label,
    subtotals.pct                               as subtotal_pct,
    cast(ranked.option_rank as integer)         as option_rank,
    ranked.distribution_sum_pct,
    {{ answer_family_trend_columns('ranked') }}
from ranked
left join options as subtotal_options
    on ranked.subtotal_option_key = subtotal_options.option_key
-- the subtotal of the same wave, audience and source: published beside published parts,
-- computed beside computed parts (figure 6 prints no subtotals for 2020, so subtotal_pct
-- is null there)
left join trends as subtotals
    on ranked.subtotal_option_key = subtotals.option_key
    and ranked.edition_id = subtotals.edition_id
    and ranked.audience = subtotals.audience
    and ranked.source = subtotals.source
