-- Every share next to the same answer in the previous edition that has it, with the
-- change in points and, where both respondent bases are known, a two-proportion z-test.
-- Grain: question x item x option x audience x edition x source (the grain of
-- fct_answer_shares, so share_id is reused as the key).
with labelled as (
    {{ labelled_answer_shares() }}
),

-- lag() over the rows that exist: the previous edition *with a share* for the same
-- answer, not the previous calendar year (a question skipped in 2019 compares 2021 with
-- 2017). Partitions are per source: computed shares never compare with published ones.
with_previous as (
    select
        *,
        lag(edition_id) over answer_history     as previous_edition_id,
        lag(pct) over answer_history            as previous_pct,
        lag(n_base) over answer_history         as previous_n_base,
        lag(n_base_kind) over answer_history    as previous_n_base_kind,
        lag(is_partial) over answer_history     as previous_is_partial
    from labelled
    window answer_history as (
        partition by question_id, item_key, option_key, audience, source
        order by edition_order_key, edition_id
    )
),

-- The z-test only for shares of respondents with both bases known: a mean_score's
-- `pct` is a mean on a scale, not a proportion.
with_standard_error as (
    select
        *,
        pct - previous_pct as change_points,
        case
            when question_type <> 'mean_score'
                and n_base > 0
                and previous_n_base > 0
                then {{ proportion_difference_se_points('previous_pct', 'previous_n_base', 'pct', 'n_base') }}
        end as standard_error_points
    from with_previous
),

with_z as (
    select
        *,
        change_points / nullif(standard_error_points, 0) as z_score
    from with_standard_error
)

select
    share_id,
    edition_id,
    edition_year,
    edition_kind,
    edition_order_key,
    audience,
    question_id,
    question_text,
    question_type,
    max_choices,
    topic_id,
    conclusion_number,
    topic_label,
    item_key,
    item_label,
    item_order,
    option_key,
    option_label,
    option_order,
    is_subtotal,
    is_partial,
    source,
    is_synthetic,
    source_report,
    source_figure,
    pct,
    n_base,
    previous_edition_id,
    previous_pct,
    previous_n_base,
    previous_is_partial,
    change_points,
    z_score,
    {{ normal_two_sided_p_value('z_score') }}                                as p_value,
    case when z_score is not null
        then change_points - {{ z_critical_95() }} * standard_error_points end  as ci95_low,
    case when z_score is not null
        then change_points + {{ z_critical_95() }} * standard_error_points end  as ci95_high,
    {{ normal_two_sided_p_value('z_score') }} < 0.05                         as is_significant,
    -- what the bases count: a published share's base is the edition x audience's respondent
    -- total (the reports state no per-question base), so its z-test is an approximation
    n_base_kind,
    previous_n_base_kind,
    source_locator
from with_z
