select
    edition_id,
    audience,
    n_respondents,
    source_document_id,
    respondent_count_note
from {{ ref('stg_published__respondent_counts') }}
