select
    questions.question_id,
    questions.question_text,
    questions.question_type,
    questions.max_choices,
    questions.topic_id,
    topics.conclusion_number,
    topics.topic_label,
    questions.question_note
from {{ ref('stg_codebook__questions') }} as questions
left join {{ ref('stg_codebook__topics') }} as topics
    on questions.topic_id = topics.topic_id
