-- One row per landed respondent: pseudonymous key and profile answers (Dutch labels), so
-- any question can be cross-tabulated by any attribute. No personal data: the landing
-- replaced the respondent id by a salted hash and dropped IP, e-mail, names and free text.
-- Incremental per edition x audience, like fct_response_answers.
-- Materialisation: incremental_per_export in dbt_project.yml.
-- depends_on: {{ ref('int_response_landings') }}
{%- set only_new_exports = new_exports_only() %}  {#- one look-up for both reads #}

with respondents as (
    select * from {{ ref('stg_responses__respondents') }}
    {{ only_new_exports }}
),

answers as (
    select * from {{ ref('stg_responses__answers') }}
    {{ only_new_exports }}
),

profile as (
    select
        answers.respondent_key,
        max(options.option_label) filter (where answers.question_id = 'work_country')          as work_country,
        max(options.option_label) filter (where answers.question_id = 'sector')                as sector,
        max(options.option_label) filter (where answers.question_id = 'org_size_worldwide')    as organisation_size,
        max(options.option_label) filter (where answers.question_id = 'ld_target_group_size')  as ld_target_group_size,
        max(options.option_label) filter (where answers.question_id = 'ld_team_fte')           as ld_team_fte,
        max(options.option_label) filter (where answers.question_id = 'provider_org_fte')      as provider_org_fte
    from answers
    inner join {{ ref('stg_codebook__options') }} as options
        on options.option_key = answers.option_key
    where answers.question_id in ('work_country', 'sector', 'org_size_worldwide',
                                  'ld_target_group_size', 'ld_team_fte', 'provider_org_fte')
    group by answers.respondent_key
)

select
    respondents.respondent_key,
    respondents.edition_id,
    respondents.audience,
    respondents.language,
    respondents.is_synthetic,
    profile.work_country,
    profile.sector,
    profile.organisation_size,
    profile.ld_target_group_size,
    profile.ld_team_fte,
    profile.provider_org_fte,
    respondents.export_id,
    respondents.landing_id,
    {{ loaded_at() }}   as loaded_at
from respondents
left join profile
    on profile.respondent_key = respondents.respondent_key
