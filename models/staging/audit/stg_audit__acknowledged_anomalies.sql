-- Known, documented anomalies of the source reports: a failing check on one of these
-- groups is recorded as acknowledged and does not stop publication.
with source as (
    select * from {{ ref('acknowledged_anomalies') }}
)

select
    trim(source.rule)                   as rule,
    trim(source.edition_id)             as edition_id,
    lower(trim(source.audience))        as audience,
    trim(source.question_id)            as question_id,
    case
        when nullif(trim(source.item_id), '') is not null
            then trim(source.question_id) || '/' || trim(source.item_id)
    end                                 as item_key,
    trim(source.reason)                 as reason,
    trim(source.acknowledged_by)        as acknowledged_by,
    cast(source.acknowledged_on as date) as acknowledged_on
from source
