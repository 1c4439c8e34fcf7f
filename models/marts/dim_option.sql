select
    option_key,
    question_id,
    option_id,
    option_label,
    option_order,
    is_subtotal,
    subtotal_option_key
from {{ ref('stg_codebook__options') }}
