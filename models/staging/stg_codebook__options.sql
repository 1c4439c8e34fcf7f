-- Answer options, subtotal rows included. Keys are qualified by the question
-- because option ids are only unique within their question.
with source as (
    select * from {{ ref('options') }}
)

select
    trim(question_id) || '/' || trim(option_id)     as option_key,
    trim(question_id)                               as question_id,
    trim(option_id)                                 as option_id,
    trim(option_label)                              as option_label,
    cast(option_order as integer)                   as option_order,
    coalesce(cast(is_subtotal as boolean), false)   as is_subtotal,
    case
        when nullif(trim(subtotal_option_id), '') is not null
            then trim(question_id) || '/' || trim(subtotal_option_id)
    end                                             as subtotal_option_key
from source
