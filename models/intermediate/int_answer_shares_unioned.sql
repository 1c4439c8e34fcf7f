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
        source_figure,
        source_locator
    from {{ share_source }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- A report states no base per question, but often the respondents per edition x audience:
-- a published share gets that total as its base, flagged as such (n_base_kind), since the
-- respondents who answered one question may be fewer (see docs/analysis_marts.md).
respondent_totals as (
    select edition_id, audience, n_respondents
    from {{ ref('stg_published__respondent_counts') }}
)

select
    md5(concat_ws('|',
        unioned.edition_id, unioned.audience, unioned.question_id,
        coalesce(unioned.item_key, ''), unioned.option_key, unioned.source
    ))          as share_id,
    unioned.edition_id,
    unioned.audience,
    unioned.question_id,
    unioned.item_key,
    unioned.option_key,
    unioned.source,
    unioned.pct,
    coalesce(unioned.n_base, respondent_totals.n_respondents)   as n_base,
    case
        when unioned.n_base is not null then 'item_base'
        when respondent_totals.n_respondents is not null then 'respondent_total'
    end                                                         as n_base_kind,
    unioned.is_partial,
    unioned.is_synthetic,
    unioned.source_document_id,
    unioned.source_figure,
    unioned.source_locator
from unioned
left join respondent_totals
    on unioned.source = 'published'
   and respondent_totals.edition_id = unioned.edition_id
   and respondent_totals.audience = unioned.audience
