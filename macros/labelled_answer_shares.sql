{#- Every share of fct_answer_shares with the labels of its dimensions: the one join behind
    marts.answer_shares (the contract's flat table) and marts.answer_trends. A macro rather
    than another model: both marts stay one node each, and their unit tests keep giving the
    fact and the dimensions as inputs. Documents are left-joined: a share is never dropped
    for a missing document (answer_shares' same_row_count test watches the row count). -#}
{% macro labelled_answer_shares() %}
    select
        shares.share_id,
        shares.edition_id,
        editions.edition_year,
        editions.edition_kind,
        {{ edition_order_key('editions.edition_year', 'editions.edition_month') }}
                                    as edition_order_key,
        shares.audience,
        shares.question_id,
        questions.question_text,
        questions.question_type,
        questions.max_choices,
        questions.topic_id,
        questions.conclusion_number,
        questions.topic_label,
        shares.item_key,
        items.item_label,
        items.item_order,
        shares.option_key,
        options.option_label,
        options.option_order,
        options.is_subtotal,
        shares.is_partial,
        shares.source,
        shares.is_synthetic,
        documents.source_report,
        shares.source_figure,
        shares.source_locator,
        shares.pct,
        shares.n_base,
        shares.n_base_kind
    from {{ ref('fct_answer_shares') }} as shares
    inner join {{ ref('dim_edition') }} as editions
        on shares.edition_id = editions.edition_id
    inner join {{ ref('dim_question') }} as questions
        on shares.question_id = questions.question_id
    inner join {{ ref('dim_option') }} as options
        on shares.option_key = options.option_key
    left join {{ ref('dim_item') }} as items
        on shares.item_key = items.item_key
    left join {{ ref('dim_source_document') }} as documents
        on shares.source_document_id = documents.source_document_id
{% endmacro %}
