with source as (
    select * from {{ ref('respondent_counts') }}
)

select
    trim(edition_id)                    as edition_id,
    lower(trim(audience))               as audience,
    cast(n_respondents as integer)      as n_respondents,
    trim(source_document_id)            as source_document_id,
    nullif(trim(note), '')              as respondent_count_note
from source
