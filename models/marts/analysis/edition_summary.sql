{{ config(materialized='view') }}
-- Per edition and audience: respondents, questions, shares per source and the result of
-- the LATEST validation run in audit.share_checks. A view, so that it shows the run the
-- Great Expectations checks wrote after this model was built (they run after dbt).
with editions as (
    select * from {{ ref('dim_edition') }}
),

audiences as (
    select * from {{ ref('dim_audience') }}
),

shares as (
    select * from {{ ref('fct_answer_shares') }}
),

respondent_counts as (
    select * from {{ ref('fct_respondent_counts') }}
),

share_checks as (
    select * from {{ source('audit', 'share_checks') }}
),

-- Respondents as the reports state them. When computed shares arrive from respondent
-- exports, their distinct respondents are added here as a column of their own.
respondents as (
    select
        edition_id,
        audience,
        sum(n_respondents) as n_respondents
    from respondent_counts
    group by edition_id, audience
),

share_counts as (
    select
        edition_id,
        audience,
        count(distinct question_id)                         as n_questions,
        count(*) filter (where source = 'published')        as n_published_shares,
        count(*) filter (where source = 'responses')        as n_responses_shares
    from shares
    group by edition_id, audience
),

-- The latest run is the one that checked last; a run writes all its rows at one time.
latest_run as (
    select
        arg_max(run_id, checked_at)     as run_id,
        max(checked_at)                 as checked_at
    from share_checks
    having count(*) > 0
),

latest_checks as (
    select
        share_checks.edition_id,
        share_checks.audience,
        count(*)                                                as checked_groups,
        count(*) filter (where not share_checks.passed)         as failed_groups,
        count(*) filter (where not share_checks.passed and share_checks.acknowledged)
                                                                as acknowledged_groups
    from share_checks
    inner join latest_run
        on share_checks.run_id = latest_run.run_id
    group by share_checks.edition_id, share_checks.audience
),

edition_audiences as (
    select edition_id, audience from share_counts
    union
    select edition_id, audience from respondents
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
    cast(respondents.n_respondents as integer)              as n_respondents,
    cast(coalesce(share_counts.n_questions, 0) as integer)  as n_questions,
    cast(coalesce(share_counts.n_published_shares, 0) as integer)
                                                            as n_published_shares,
    cast(coalesce(share_counts.n_responses_shares, 0) as integer)
                                                            as n_responses_shares,
    latest_run.run_id                                       as audit_run_id,
    latest_run.checked_at                                   as audit_checked_at,
    -- zero when the latest run checked no group of this edition and audience; null when
    -- no validation run has been recorded at all
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
left join share_counts
    on edition_audiences.edition_id = share_counts.edition_id
    and edition_audiences.audience = share_counts.audience
left join latest_checks
    on edition_audiences.edition_id = latest_checks.edition_id
    and edition_audiences.audience = latest_checks.audience
-- at most one row: the latest run, or none before the first validation
left join latest_run
    on true
