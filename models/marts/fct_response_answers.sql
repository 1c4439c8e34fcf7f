-- The respondent-grain fact: one row per respondent and chosen option (matrix: per row).
select
    respondent_key,
    edition_id,
    audience,
    question_id,
    item_key,
    option_key,
    is_synthetic
from {{ ref('stg_responses__answers') }}
