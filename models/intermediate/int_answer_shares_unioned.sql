-- Every share, whatever its source, at the grain of the fact:
-- edition x audience x question x item x option x source.
-- New sources (raw response exports) are added to this union, nowhere else.
{%- set share_sources = [ref('stg_published__shares'), ref('int_response_shares_computed')] %}

with unioned as (
    {% for share_source in share_sources %}
    select
        edition_id,
        audience,
        question_id,
        item_key,
        option_key,
        source,
        pct,
        n_base,
        is_partial,
        is_synthetic,
        source_document_id,
        source_figure
    from {{ share_source }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    md5(concat_ws('|',
        edition_id, audience, question_id,
        coalesce(item_key, ''), option_key, source
    ))          as share_id,
    *
from unioned
