-- The respondent-grain fact: one row per respondent and chosen option (matrix: per row).
-- Incremental per edition x audience: a new or corrected export replaces only its own rows.
-- depends_on: {{ ref('int_response_landings') }}
-- Materialisation: incremental_per_export in dbt_project.yml.

select
    respondent_key,
    edition_id,
    audience,
    question_id,
    item_key,
    option_key,
    is_synthetic,
    export_id,
    landing_id,
    {{ loaded_at() }}   as loaded_at
from {{ ref('stg_responses__answers') }}
{{ new_exports_only() }}
