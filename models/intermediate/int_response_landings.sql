-- Every landed export: one row per edition x audience. The respondent models hold exactly
-- these landings (macros/new_exports_only.sql): rows of any other landing, replaced or
-- withdrawn, are deleted. Read from the respondents and the quarantine files, because an
-- export whose every row was quarantined (landed with `accept`) has no respondent and still
-- replaces the export before it. An intermediate model, not staging: it combines two staged
-- kinds of the landed files (docs/dbt_conventions.md).

with landed as (
    select edition_id, audience, export_id, landing_id from {{ ref('stg_responses__respondents') }}
    union
    select edition_id, audience, export_id, landing_id from {{ ref('stg_responses__quarantine') }}
)

select
    edition_id,
    audience,
    export_id,
    -- the export as landed with one salt (export_id:salt fingerprint), as the landing wrote it
    landing_id
from landed
