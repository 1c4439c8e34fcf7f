-- Every landed export: one row per edition x audience. The respondent models hold exactly
-- these landings (macros/new_exports_only.sql): rows of any other landing, replaced or
-- withdrawn, are deleted. Read from the respondents and the quarantine files, because an
-- export whose every row was quarantined (landed with `accept`) has no respondent and still
-- replaces the export before it.
-- depends_on: {{ source('landed', 'exports') }}

with landed as (
    select edition_id, audience, export_id from {{ ref('stg_responses__respondents') }}
    union
    select edition_id, audience, export_id from {{ ref('stg_responses__quarantine') }}
)

select
    edition_id,
    audience,
    export_id,
    -- the export as landed with this salt: a new salt re-keys every respondent
    export_id || ':' || '{{ var("salt_fingerprint", "unsalted") }}'   as landing_id
from landed
