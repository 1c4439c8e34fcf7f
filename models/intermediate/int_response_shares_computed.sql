-- Shares computed from the landed respondent exports, at the grain of the fact:
-- edition x audience x question x item x option, source 'responses'.
--   n_base = respondents who answered the question (for a matrix: the row) at all;
--   pct    = 100 * respondents choosing the option / n_base, or null (suppressed) when
--            n_base < min_respondents_per_share, so no small group can be singled out.
-- Options shown: those published for the same edition and question, plus those chosen, so
-- an option nobody chose appears as 0 rather than missing; subtotals are computed from the
-- respondents choosing any of their parts (int_response_counts).
{{ config(materialized='table') }}

with counts as (
    select * from {{ ref('int_response_counts') }}
),

options as (
    select * from {{ ref('stg_codebook__options') }}
),

exports as (
    select
        edition_id,
        audience,
        bool_or(is_synthetic)                   as is_synthetic,
        'export:' || left(min(export_id), 12)   as source_document_id
    from {{ ref('stg_responses__respondents') }}
    group by all
),

bases as (
    select distinct edition_id, audience, question_id, item_key, n_base
    from counts
),

offered as (
    select distinct edition_id, question_id, option_key
    from {{ ref('stg_published__shares') }}
    union
    select distinct edition_id, question_id, option_key
    from counts
),

plain_options as (
    select offered.edition_id, offered.question_id, offered.option_key
    from offered
    inner join options on options.option_key = offered.option_key
    where not options.is_subtotal
),

subtotal_options as (
    select distinct plain_options.edition_id, plain_options.question_id, options.subtotal_option_key as option_key
    from plain_options
    inner join options on options.option_key = plain_options.option_key
    where options.subtotal_option_key is not null
),

shown_options as (
    select * from plain_options
    union all
    select * from subtotal_options
),

grid as (
    select bases.*, shown.option_key
    from bases
    inner join shown_options as shown
        on shown.edition_id = bases.edition_id and shown.question_id = bases.question_id
)

select
    grid.edition_id,
    grid.audience,
    grid.question_id,
    grid.item_key,
    grid.option_key,
    'responses'                                                 as source,
    case
        when grid.n_base >= {{ var('min_respondents_per_share', 10) }}
            -- a double from the start: Spark would compute in decimals (DuckDB's values unchanged)
            then 100.0 * cast(coalesce(counts.n_chosen, 0) as double) / grid.n_base
    end                                                         as pct,
    cast(grid.n_base as integer)                                as n_base,
    false                                                       as is_partial,
    exports.is_synthetic,
    exports.source_document_id,
    cast(null as integer)                                       as source_figure,
    cast(null as {{ dbt.type_string() }})                       as source_locator
from grid
inner join exports
    on exports.edition_id = grid.edition_id and exports.audience = grid.audience
left join counts
    on counts.edition_id = grid.edition_id
   and counts.audience = grid.audience
   and counts.question_id = grid.question_id
   and counts.item_key is not distinct from grid.item_key
   and counts.option_key = grid.option_key
