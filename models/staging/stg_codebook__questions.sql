with source as (
    select * from {{ ref('questions') }}
)

select
    trim(question_id)                   as question_id,
    trim(question_text)                 as question_text,
    lower(trim(question_type))          as question_type,
    cast(max_choices as integer)        as max_choices,
    trim(topic_id)                      as topic_id,
    nullif(trim(note), '')              as question_note
from source
