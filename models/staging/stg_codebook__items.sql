-- Matrix rows (statements, roles, criteria). The key is qualified by the
-- question because item ids are only unique within their question.
with source as (
    select * from {{ ref('items') }}
)

select
    trim(question_id) || '/' || trim(item_id)   as item_key,
    trim(question_id)                           as question_id,
    trim(item_id)                               as item_id,
    trim(item_label)                            as item_label,
    cast(item_order as integer)                 as item_order,
    nullif(trim(item_description), '')          as item_description
from source
