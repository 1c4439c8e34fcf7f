select
    item_key,
    question_id,
    item_id,
    item_label,
    item_order,
    item_description
from {{ ref('stg_codebook__items') }}
