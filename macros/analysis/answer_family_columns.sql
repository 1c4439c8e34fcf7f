{#- Column lists shared by the per-family marts (answers_single_choice, answers_multi_choice,
    answers_matrix, answers_mean_score), so the four marts name and order their common
    columns identically and a BI user can switch between them without relearning them. -#}

{#- Which share it is: wave, audience, conclusion, question, option, provenance. -#}
{% macro answer_family_key_columns(alias) -%}
    {{ alias }}.share_id,
    {{ alias }}.edition_id,
    {{ alias }}.edition_year,
    {{ alias }}.edition_kind,
    {{ alias }}.edition_order_key,
    {{ alias }}.audience,
    {{ alias }}.topic_id,
    {{ alias }}.conclusion_number,
    {{ alias }}.topic_label,
    {{ alias }}.question_id,
    {{ alias }}.question_text,
    {{ alias }}.option_label,
    {{ alias }}.option_order,
    {{ alias }}.is_partial,
    {{ alias }}.source,
    {{ alias }}.is_synthetic,
    {{ alias }}.source_report,
    {{ alias }}.source_figure
{%- endmacro %}

{#- The share, its previous edition and the z-test of the change (see answer_trends). -#}
{% macro answer_family_trend_columns(alias) -%}
    {{ alias }}.pct,
    {{ alias }}.n_base,
    {{ alias }}.previous_edition_id,
    {{ alias }}.previous_pct,
    {{ alias }}.previous_n_base,
    {{ alias }}.change_points,
    {{ alias }}.z_score,
    {{ alias }}.p_value,
    {{ alias }}.ci95_low,
    {{ alias }}.ci95_high,
    {{ alias }}.is_significant
{%- endmacro %}
