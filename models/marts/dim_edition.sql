select
    edition_id,
    edition_year,
    edition_month,
    edition_kind,
    edition_label
from {{ ref('stg_codebook__editions') }}
