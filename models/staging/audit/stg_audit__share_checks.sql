-- Every Great Expectations check of every run, as the checks appended them to audit.share_checks
-- (tendensen/validation/share_checks.py). A view: a reader sees the runs written after
-- dbt built it, as marts.edition_summary needs.
with source as (
    select * from {{ source('audit', 'share_checks') }}
)

select
    run_id,
    checked_at,
    rule,
    edition_id,
    audience,
    question_id,
    item_label,
    source_report,
    source_figure,
    observed,
    lower_bound,
    upper_bound,
    passed,
    acknowledged,
    note
from source
