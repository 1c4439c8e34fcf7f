-- Figures transcribed from the published reports, exactly as published.
with source as (
    select * from {{ ref('published_shares') }}
)

select
    trim(edition_id)                                        as edition_id,
    lower(trim(audience))                                   as audience,
    trim(question_id)                                       as question_id,
    case
        when nullif(trim(item_id), '') is not null
            then trim(question_id) || '/' || trim(item_id)
    end                                                     as item_key,
    trim(question_id) || '/' || trim(option_id)             as option_key,
    cast(pct as double)                                     as pct,
    cast(null as integer)                                   as n_base,
    coalesce(cast(is_partial as boolean), false)            as is_partial,
    'published'                                             as source,
    false                                                   as is_synthetic,
    trim(source_document_id)                                as source_document_id,
    cast(source_figure as integer)                          as source_figure,
    trim(source_locator)                                    as source_locator,
    nullif(trim(note), '')                                  as share_note
from source
