with source as (
    select * from {{ ref('topics') }}
)

select
    trim(topic_id)                      as topic_id,
    cast(conclusion_number as integer)  as conclusion_number,
    trim(topic_label)                   as topic_label
from source
