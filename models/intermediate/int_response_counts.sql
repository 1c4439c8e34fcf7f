-- The heavy part of computing shares from respondent answers, done once per export:
-- respondents choosing each option (subtotals: any of their parts) and respondents who
-- answered the question (matrix: the row). Incremental per edition x audience.
-- depends_on: {{ ref('int_response_landings') }}
-- Materialisation: incremental_per_export in dbt_project.yml.
--
-- Respondents are counted with count(*) wherever the landing writes at most one row per
-- respondent: a single-choice question (one column) and a matrix row (one column per row; the
-- landing refuses an export with a question or matrix row twice). Only multi-choice questions
-- (one row per tick) need count(distinct respondent_key): on 64-character keys that took 24 of
-- this model's 28 s at 100k respondents when every question paid it (bench/RESULTS.md).
-- `not materialized`: DuckDB materialises a CTE read more than once, here millions of answer
-- rows (spilled to disk under the 1 GB memory limit): 48 s against 14 s when each read scans
-- the Parquet again, at 100k respondents on a loaded 2-core machine.

with answers_of_new_exports as {{ cte_not_materialized() }} (
    select * from {{ ref('stg_responses__answers') }}
    {{ new_exports_only() }}
),

multi_choice as (
    select question_id from {{ ref('stg_codebook__questions') }}
    where question_type = 'multi_choice'
),

answers as {{ cte_not_materialized() }} (
    select
        answers_of_new_exports.*,
        multi_choice.question_id is not null as is_multi_choice
    from answers_of_new_exports
    left join multi_choice on multi_choice.question_id = answers_of_new_exports.question_id
),

options as (
    select * from {{ ref('stg_codebook__options') }}
),

bases as (
    select edition_id, audience, question_id, item_key, count(*) as n_base
    from answers
    where not is_multi_choice
    group by all
    union all
    select edition_id, audience, question_id, item_key, count(distinct respondent_key) as n_base
    from answers
    where is_multi_choice
    group by all
),

subtotal_parts as {{ cte_not_materialized() }} (
    select answers.*, options.subtotal_option_key
    from answers
    inner join options on options.option_key = answers.option_key
    where options.subtotal_option_key is not null
),

chosen as (
    -- the landing writes one row per respondent and chosen option: count(*) is exact
    select edition_id, audience, question_id, item_key, option_key, export_id, landing_id,
           count(*) as n_chosen
    from answers
    group by all
    union all
    -- a subtotal: respondents choosing any of its parts; a single-choice respondent chooses one
    select edition_id, audience, question_id, item_key, subtotal_option_key, export_id, landing_id,
           count(*) as n_chosen
    from subtotal_parts
    where not is_multi_choice
    group by all
    union all
    select edition_id, audience, question_id, item_key, subtotal_option_key, export_id, landing_id,
           count(distinct respondent_key) as n_chosen
    from subtotal_parts
    where is_multi_choice
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
