-- The heavy part of computing shares from respondent answers, done once per export:
-- respondents choosing each option (subtotals: any of their parts) and respondents who
-- answered the question (matrix: the row). Incremental per edition x audience.
-- depends_on: {{ ref('int_response_landings') }}
-- Materialisation: incremental_per_export in dbt_project.yml.

with answers as (
    select * from {{ ref('stg_responses__answers') }}
    {{ new_exports_only() }}
),

options as (
    select * from {{ ref('stg_codebook__options') }}
),

bases as (
    select edition_id, audience, question_id, item_key, count(distinct respondent_key) as n_base
    from answers
    group by all
),

chosen as (
    -- the landing writes one row per respondent and chosen option: count(*) is exact
    select edition_id, audience, question_id, item_key, option_key, export_id, landing_id,
           count(*) as n_chosen
    from answers
    group by all
    union all
    select answers.edition_id, answers.audience, answers.question_id, answers.item_key,
           options.subtotal_option_key, answers.export_id, answers.landing_id,
           count(distinct answers.respondent_key) as n_chosen
    from answers
    inner join options on options.option_key = answers.option_key
    where options.subtotal_option_key is not null
    group by all
)

select
    chosen.edition_id,
    chosen.audience,
    chosen.question_id,
    chosen.item_key,
    chosen.option_key,
    chosen.export_id,
    chosen.landing_id,
    cast(chosen.n_chosen as integer)    as n_chosen,
    cast(bases.n_base as integer)       as n_base
from chosen
inner join bases
    on bases.edition_id = chosen.edition_id
   and bases.audience = chosen.audience
   and bases.question_id = chosen.question_id
   and bases.item_key is not distinct from chosen.item_key
