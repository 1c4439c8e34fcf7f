-- depends_on: {{ source('landed', 'exports') }}

with source as (
    select * from {{ landed_parquet('respondents',
        'null::varchar as respondent_key, null::varchar as edition_id, null::varchar as audience,
         null::varchar as language, null::boolean as is_synthetic, null::varchar as export_id, null::varchar as landing_id') }}
)

select
    respondent_key,
    edition_id,
    audience,
    language,
    is_synthetic,
    export_id,
    -- the export as landed with one salt (export_id:salt fingerprint), written by the landing,
    -- so that dbt by hand gives the same ids as the pipeline; files landed before the landing
    -- wrote it fall back to the fingerprint Dagster passes (the landing adds it at its next run)
    coalesce(landing_id, export_id || ':' || '{{ var("salt_fingerprint", "unsalted") }}')   as landing_id
from source
