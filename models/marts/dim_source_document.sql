select
    source_document_id,
    source_report,
    source_description
from {{ ref('stg_codebook__source_documents') }}
