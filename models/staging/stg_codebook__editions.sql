-- One row per survey wave. Year and month are derived from the id itself
-- ('2021' or '2020-04', see CONTRACT.md) so they can never disagree with it.
with source as (
    select * from {{ ref('editions') }}
)

select
    trim(edition_id)                                        as edition_id,
    cast(left(trim(edition_id), 4) as integer)              as edition_year,
    case
        when length(trim(edition_id)) = 7
            then cast(right(trim(edition_id), 2) as integer)
    end                                                     as edition_month,
    case when length(trim(edition_id)) = 7 then 'pulse' else 'yearly' end
                                                            as edition_kind,
    trim(edition_label)                                     as edition_label
from source
