-- Respondent answers from the landed exports. A table, not a view: the files are read at
-- build time, so the warehouse never depends on where the landed files lie.
{{ config(materialized='table') }}
-- depends_on: {{ source('landed', 'exports') }}

with source as (
    select * from {{ landed_parquet('answers',
        'null::varchar as respondent_key, null::varchar as edition_id, null::varchar as audience,
         null::varchar as question_id, null::varchar as item_id, null::varchar as option_id,
         null::boolean as is_synthetic, null::varchar as export_id') }}
)

select
    respondent_key,
    edition_id,
    audience,
    question_id,
    case when item_id is not null then question_id || '/' || item_id end   as item_key,
    question_id || '/' || option_id                                         as option_key,
    is_synthetic,
    export_id
from source
