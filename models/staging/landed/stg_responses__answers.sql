-- Respondent answers from the landed exports: a view over the Parquet files (Dagster passes
-- their absolute path), so millions of answers are not copied once more.
-- depends_on: {{ source('landed', 'exports') }}

with source as (
    select * from {{ landed_parquet('answers', [
        ['respondent_key', 'string'], ['edition_id', 'string'], ['audience', 'string'],
        ['question_id', 'string'], ['item_id', 'string'], ['option_id', 'string'],
        ['is_synthetic', 'boolean'], ['export_id', 'string'], ['landing_id', 'string']]) }}
)

select
    respondent_key,
    edition_id,
    audience,
    question_id,
    case when item_id is not null then question_id || '/' || item_id end   as item_key,
    question_id || '/' || option_id                                         as option_key,
    is_synthetic,
    export_id,
    -- the export as landed with one salt (export_id:salt fingerprint), written by the landing,
    -- so that dbt by hand gives the same ids as the pipeline; files landed before the landing
    -- wrote it fall back to the fingerprint Dagster passes (the landing adds it at its next run)
    coalesce(landing_id, export_id || ':' || '{{ var("salt_fingerprint", "unsalted") }}')   as landing_id
from source
