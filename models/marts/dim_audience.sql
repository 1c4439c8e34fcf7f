select
    audience,
    audience_label,
    audience_description
from {{ ref('stg_codebook__audiences') }}
