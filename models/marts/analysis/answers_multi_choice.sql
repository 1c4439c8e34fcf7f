-- Pick-up-to-N questions ("Vink de 3 ... aan" = tick the 3 ...): each option ranked within
-- its wave and audience, flagged when it is in the top max_choices, and its share of all
-- ticks. Shares add to at most ~100 x max_choices, so a share is "% of respondents who
-- ticked it", not a slice of a pie. Grain: question x option x audience x edition x source.
-- Rankings and sums stay within one source (published and computed never mix); computed
-- shares suppressed under 10 respondents (pct null) are not ranked.
with trends as (
    select * from {{ ref('answer_trends') }}
    where question_type = 'multi_choice'
),

ranked as (
    select
        *,
        rank() over distribution_by_pct     as option_rank,
        sum(pct) over distribution          as tick_sum_pct,
        bool_or(is_partial) over distribution as distribution_is_partial
    from trends
    window
        distribution as (partition by edition_id, audience, question_id, item_key, source),
        distribution_by_pct as (
            partition by edition_id, audience, question_id, item_key, source
            order by pct desc nulls last
        )
)

select
    {{ answer_family_key_columns('ranked') }},
    ranked.max_choices,
    cast(case when ranked.pct is not null then ranked.option_rank end as integer)
                                                        as option_rank,
    case when ranked.pct is not null then ranked.option_rank <= ranked.max_choices end
                                                        as is_top_choice,
    ranked.tick_sum_pct,
    -- only over a complete distribution: a prose quote of two options is no basis
    case when not ranked.distribution_is_partial
        then 100.0 * ranked.pct / nullif(ranked.tick_sum_pct, 0) end
                                                        as share_of_ticks_pct,
    {{ answer_family_trend_columns('ranked') }}
from ranked
