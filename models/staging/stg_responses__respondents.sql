-- depends_on: {{ source('landed', 'exports') }}

with source as (
    select * from {{ landed_parquet('respondents',
        'null::varchar as respondent_key, null::varchar as edition_id, null::varchar as audience,
         null::varchar as language, null::boolean as is_synthetic, null::varchar as export_id') }}
)

select
    respondent_key,
    edition_id,
    audience,
    language,
    is_synthetic,
    export_id,
    -- the export as landed with this salt: a new salt re-keys every respondent
    export_id || ':' || '{{ var("salt_fingerprint", "unsalted") }}'   as landing_id
from source
