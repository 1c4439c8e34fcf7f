select
    share_id,
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
    n_base_kind,
    source_locator
from {{ ref('int_answer_shares_unioned') }}
