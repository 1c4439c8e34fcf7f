-- Mean-score questions (criteria rated on a scale, e.g. 0-7 in 2011): the mean score per
-- item with its rank and its change since the previous edition. No significance test:
-- a mean needs a standard deviation that the reports do not publish.
-- Grain: question x item x audience x edition x source.
with trends as (
    select * from {{ ref('answer_trends') }}
    where question_type = 'mean_score'
)

select
    {{ answer_family_key_columns('trends') }},
    trends.item_key,
    trends.item_label,
    trends.item_order,
    trends.pct                                          as mean_score,
    -- within one source; a suppressed computed mean (null) is not ranked
    cast(case when trends.pct is not null then rank() over (
        partition by trends.edition_id, trends.audience, trends.question_id,
            trends.option_key, trends.source
        order by trends.pct desc nulls last
    ) end as integer)                                   as item_rank,
    trends.n_base,
    trends.previous_edition_id,
    trends.previous_pct                                 as previous_mean_score,
    trends.change_points                                as change_score
from trends
