-- Export cells that could not be mapped, with the reason: counted, never silently dropped.
-- depends_on: {{ source('landed', 'exports') }}

with source as (
    select * from {{ landed_parquet('quarantine', [
        ['export_id', 'string'], ['export_file', 'string'], ['row_number', 'integer'],
        ['column_number', 'integer'], ['column_name', 'string'], ['redacted_value', 'string'],
        ['reason', 'string'], ['landing_id', 'string']]) }}
)

select
    regexp_extract(filename, '([0-9]{4}(-[0-9]{2})?)__([a-z0-9_]+)[.]parquet$', 1)   as edition_id,
    regexp_extract(filename, '([0-9]{4}(-[0-9]{2})?)__([a-z0-9_]+)[.]parquet$', 3)   as audience,
    export_id,
    export_file,
    row_number,
    column_number,
    column_name,
    redacted_value,
    reason,
    -- the export as landed with one salt, written by the landing (see stg_responses__respondents)
    coalesce(landing_id, export_id || ':' || '{{ var("salt_fingerprint", "unsalted") }}')   as landing_id
from source
