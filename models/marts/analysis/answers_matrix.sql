-- Matrix questions (statements, capabilities or roles x an answer scale): each item and
-- option, with the item's rank among the question's items for that option (e.g. which
-- role is most often expected to become more important).
-- Grain: question x item x option x audience x edition x source.
with trends as (
    select * from {{ ref('answer_trends') }}
    where question_type in ('agreement_matrix', 'scale_matrix')
)

select
    {{ answer_family_key_columns('trends') }},
    trends.question_type,
    trends.item_key,
    trends.item_label,
    trends.item_order,
    -- within one source; a suppressed computed share (pct null) is not ranked
    cast(case when trends.pct is not null then rank() over (
        partition by trends.edition_id, trends.audience, trends.question_id,
            trends.option_key, trends.source
        order by trends.pct desc nulls last
    ) end as integer)                                   as item_rank,
    {{ answer_family_trend_columns('trends') }}
from trends
