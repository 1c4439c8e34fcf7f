{{ config(materialized='view') }}
-- Per edition, audience and source: respondents, questions, shares and the result of the
-- LATEST validation run in audit.share_checks. A view, so that it shows the run the
-- Great Expectations checks wrote after this model was built (they run after dbt).
--
-- Published and computed numbers are never added together: each source has its own row,
-- with its own respondents (stated in the report for `published`, counted in the landed
-- exports for `responses`) and its own checks.
with editions as (
    select * from {{ ref('dim_edition') }}
),

audiences as (
    select * from {{ ref('dim_audience') }}
),

shares as (
    select * from {{ ref('fct_answer_shares') }}
),

documents as (
    select * from {{ ref('dim_source_document') }}
),

respondent_counts as (
    select * from {{ ref('fct_respondent_counts') }}
),

landed_respondents as (
    select * from {{ ref('dim_respondent') }}
),

share_checks as (
    select * from {{ ref('stg_audit__share_checks') }}
),

-- Respondents per source: as the report states them for published numbers, distinct
-- landed respondents for numbers computed from the exports. Never summed across sources:
-- the same 2021 survey is behind both, so 173 + 173 would double-count.
respondents as (
    select
        edition_id,
        audience,
        'published'                 as source,
        sum(n_respondents)          as n_respondents,
        false                       as is_synthetic
    from respondent_counts
    group by edition_id, audience
    union all
    select
        edition_id,
        audience,
        'responses'                 as source,
        -- one row per respondent (dim_respondent's primary key, enforced): count(*) is
        -- exact, and ~15x cheaper than count(distinct) over a million keys
        count(*)                    as n_respondents,
        bool_or(is_synthetic)       as is_synthetic
    from landed_respondents
    group by edition_id, audience
),

share_counts as (
    select
        edition_id,
        audience,
        source,
        count(distinct question_id)                         as n_questions,
        count(*)                                            as n_shares,
        -- computed shares over fewer than 10 respondents are suppressed (pct null)
        count(*) filter (where pct is null)                 as n_suppressed_shares,
        bool_or(is_synthetic)                               as is_synthetic
    from shares
    group by edition_id, audience, source
),

-- Which source a document's numbers are: a report's title means published, an export's
-- title means computed. The audit names the document (source_report), not the source.
document_sources as (
    select distinct documents.source_report, shares.source
    from shares
    inner join documents
        on shares.source_document_id = documents.source_document_id
),

-- The latest run is the one that checked last; a run writes all its rows at one time.
latest_run as (
    select
        max_by(run_id, checked_at)      as run_id,
        max(checked_at)                 as checked_at
    from share_checks
    having count(*) > 0
),

-- Each check row counts for the source whose numbers it checks. computed_matches_published
-- checks a computed share against the published one (its source_report names the published
-- figure): it counts for `responses`, so the report's own anomalies are not inflated by the
-- reconciliation of every computed option. A group whose document is unknown counts as
-- published, as every check did before respondent exports existed.
latest_checks as (
    select
        share_checks.edition_id,
        share_checks.audience,
        case
            when share_checks.rule = 'computed_matches_published' then 'responses'
            else coalesce(document_sources.source, 'published')
        end                                                     as source,
        count(*)                                                as checked_groups,
        count(*) filter (where not share_checks.passed)         as failed_groups,
        count(*) filter (where not share_checks.passed and share_checks.acknowledged)
                                                                as acknowledged_groups
    from share_checks
    inner join latest_run
        on share_checks.run_id = latest_run.run_id
    left join document_sources
        on share_checks.source_report = document_sources.source_report
    group by all
),

edition_audiences as (
    select edition_id, audience, source from share_counts
    union
    select edition_id, audience, source from respondents
)

select
    edition_audiences.edition_id,
    editions.edition_year,
    editions.edition_kind,
    editions.edition_label,
    {{ edition_order_key('editions.edition_year', 'editions.edition_month') }}
                                                            as edition_order_key,
    edition_audiences.audience,
    audiences.audience_label,
    edition_audiences.source,
    coalesce(share_counts.is_synthetic, respondents.is_synthetic, false)
                                                            as is_synthetic,
    cast(respondents.n_respondents as integer)              as n_respondents,
    cast(coalesce(share_counts.n_questions, 0) as integer)  as n_questions,
    cast(coalesce(share_counts.n_shares, 0) as integer)     as n_shares,
    cast(coalesce(share_counts.n_suppressed_shares, 0) as integer)
                                                            as n_suppressed_shares,
    latest_run.run_id                                       as audit_run_id,
    latest_run.checked_at                                   as audit_checked_at,
    -- zero when the latest run checked no group of this edition, audience and source; null
    -- when no validation run has been recorded at all
    cast(case when latest_run.run_id is not null
        then coalesce(latest_checks.checked_groups, 0) end as integer)
                                                            as checked_groups,
    cast(case when latest_run.run_id is not null
        then coalesce(latest_checks.failed_groups, 0) end as integer)
                                                            as failed_groups,
    cast(case when latest_run.run_id is not null
        then coalesce(latest_checks.acknowledged_groups, 0) end as integer)
                                                            as acknowledged_groups,
    cast(case when latest_run.run_id is not null
        then coalesce(latest_checks.failed_groups, 0)
            - coalesce(latest_checks.acknowledged_groups, 0) end as integer)
                                                            as unacknowledged_failed_groups
from edition_audiences
inner join editions
    on edition_audiences.edition_id = editions.edition_id
inner join audiences
    on edition_audiences.audience = audiences.audience
left join respondents
    on edition_audiences.edition_id = respondents.edition_id
    and edition_audiences.audience = respondents.audience
    and edition_audiences.source = respondents.source
left join share_counts
    on edition_audiences.edition_id = share_counts.edition_id
    and edition_audiences.audience = share_counts.audience
    and edition_audiences.source = share_counts.source
left join latest_checks
    on edition_audiences.edition_id = latest_checks.edition_id
    and edition_audiences.audience = latest_checks.audience
    and edition_audiences.source = latest_checks.source
-- at most one row: the latest run, or none before the first validation
left join latest_run
    on true
