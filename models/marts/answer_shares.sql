-- The analyst-friendly flat table of docs/contract.md: the star schema
-- denormalised, one row per share, labels in Dutch as published.
with labelled as (
    {{ labelled_answer_shares() }}
)

select
    edition_id,
    edition_year,
    audience,
    question_id,
    question_text,
    question_type,
    max_choices,
    item_label,
    option_label,
    option_order,
    is_subtotal,
    pct,
    n_base,
    is_partial,
    source,
    is_synthetic,
    source_report,
    source_figure
from labelled
