-- Published reports from the codebook, plus one document per landed respondent export.
select
    source_document_id,
    source_report,
    source_description
from {{ ref('stg_codebook__source_documents') }}

union all

select distinct
    'export:' || left(export_id, 12)                                    as source_document_id,
    'SurveyMonkey-export ' || edition_id || ' ' || audience
        || case when is_synthetic then ' (synthetisch)' else '' end
        || ' ' || left(export_id, 12)                                   as source_report,
    'Respondent-level export landed from data/landing (sha256 '
        || export_id || ')'
        || case when is_synthetic then '; generated synthetic demo data' else '' end
                                                                        as source_description
from {{ ref('stg_responses__respondents') }}
