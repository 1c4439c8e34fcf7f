-- The analyst-friendly flat table of ../shared/CONTRACT.md: the star schema
-- denormalised, one row per share, labels in Dutch as published.
select
    shares.edition_id,
    editions.edition_year,
    shares.audience,
    shares.question_id,
    questions.question_text,
    questions.question_type,
    questions.max_choices,
    items.item_label,
    options.option_label,
    options.option_order,
    options.is_subtotal,
    shares.pct,
    shares.n_base,
    shares.is_partial,
    shares.source,
    shares.is_synthetic,
    documents.source_report,
    shares.source_figure
from {{ ref('fct_answer_shares') }} as shares
inner join {{ ref('dim_edition') }} as editions
    on shares.edition_id = editions.edition_id
inner join {{ ref('dim_question') }} as questions
    on shares.question_id = questions.question_id
inner join {{ ref('dim_option') }} as options
    on shares.option_key = options.option_key
left join {{ ref('dim_item') }} as items
    on shares.item_key = items.item_key
inner join {{ ref('dim_source_document') }} as documents
    on shares.source_document_id = documents.source_document_id
