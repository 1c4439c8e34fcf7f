with source as (
    select * from {{ ref('source_documents') }}
)

select
    trim(source_document_id)    as source_document_id,
    trim(source_report)         as source_report,
    trim(description)           as source_description
from source
