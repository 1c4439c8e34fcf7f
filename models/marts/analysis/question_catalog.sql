-- Which questions were asked in which editions, for which audiences and from which
-- source. Grain: question x edition x audience x source. "Asked" means at least one
-- share is published (or computed) for it: the reports do not list unpublished questions.
-- Published and computed shares of the same question are separate rows (source): an
-- export's questions appear as source 'responses', with the export as source_report.
with shares as (
    select * from {{ ref('fct_answer_shares') }}
),

editions as (
    select * from {{ ref('dim_edition') }}
),

questions as (
    select * from {{ ref('dim_question') }}
),

options as (
    select * from {{ ref('dim_option') }}
),

documents as (
    select * from {{ ref('dim_source_document') }}
),

per_edition as (
    select
        shares.question_id,
        shares.edition_id,
        shares.audience,
        shares.source,
        count(distinct shares.option_key) filter (where not options.is_subtotal)
                                                        as n_options,
        count(distinct shares.option_key) filter (where options.is_subtotal)
                                                        as n_subtotals,
        count(distinct shares.item_key)                 as n_items,
        count(*)                                        as n_shares,
        bool_or(shares.is_partial)                      as has_partial_shares,
        -- a computed share has no figure because it comes from an export, not from prose
        bool_or(shares.source = 'published' and shares.source_figure is null)
                                                        as has_prose_shares,
        bool_or(shares.is_synthetic)                    as is_synthetic,
        {{ sorted_distinct_list('shares.source_figure', ', ') }}
                                                        as source_figures,
        {{ sorted_distinct_list('documents.source_report', '; ') }}
                                                        as source_report
    from shares
    inner join options
        on shares.option_key = options.option_key
    left join documents
        on shares.source_document_id = documents.source_document_id
    group by shares.question_id, shares.edition_id, shares.audience, shares.source
)

select
    per_edition.question_id,
    per_edition.edition_id,
    per_edition.audience,
    per_edition.source,
    editions.edition_year,
    editions.edition_kind,
    {{ edition_order_key('editions.edition_year', 'editions.edition_month') }}
                                                        as edition_order_key,
    questions.question_text,
    questions.question_type,
    questions.max_choices,
    questions.topic_id,
    questions.conclusion_number,
    questions.topic_label,
    questions.question_note,
    cast(per_edition.n_options as integer)              as n_options,
    cast(per_edition.n_subtotals as integer)            as n_subtotals,
    cast(per_edition.n_items as integer)                as n_items,
    cast(per_edition.n_shares as integer)               as n_shares,
    per_edition.has_partial_shares,
    per_edition.has_prose_shares,
    per_edition.is_synthetic,
    per_edition.source_figures,
    per_edition.source_report
from per_edition
inner join editions
    on per_edition.edition_id = editions.edition_id
inner join questions
    on per_edition.question_id = questions.question_id
