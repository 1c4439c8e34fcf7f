with source as (
    select * from {{ ref('audiences') }}
)

select
    lower(trim(audience))   as audience,
    trim(audience_label)    as audience_label,
    trim(description)       as audience_description
from source
