-- The baseline of the benchmarks: one hand-written DuckDB script from the raw SurveyMonkey
-- export CSVs straight to the shares of marts.answer_shares (source 'responses'): no dbt,
-- no Dagster, no Great Expectations, no anonymisation or quarantine. It is the physical
-- limit of this machine for this work; bench/run.py reports the pipeline as a ratio to it.
-- bench/baseline.py runs the @setup part once, the @per_export part for each export file
-- (placeholders {path}, {edition_id}, {audience}, {first_column}) and the @shares part last; {seeds} is
-- the seeds folder.

-- @setup
create table labels as
select kind, question_id, nullif(item_id, '') as item_id, nullif(option_id, '') as option_id,
       lower(trim(label)) as label
from read_csv('{seeds}/codebook/label_variants.csv', all_varchar = true);

create table questions as
select question_id, question_type
from read_csv('{seeds}/codebook/questions.csv', all_varchar = true);

create table answers (
    edition_id varchar, audience varchar, line varchar,  -- the respondent's id
    question_id varchar, item_id varchar, option_id varchar
);

-- @per_export
-- The two header rows: question text (row 1, blank where a question continues) and the
-- option or matrix row of each column (row 2).
create or replace temp table header as
with raw as (
    select row_number() over () as line, *
    from (select * from read_csv('{path}', header = false, all_varchar = true) limit 2)
)
select line, name, cast(regexp_extract(name, '[0-9]+$') as integer) as col, value
from (unpivot raw on columns(* exclude (line)) into name name value value);

-- Each column's question: the last question text at or left of it in header row 1.
create or replace temp table columns_map as
with by_column as (
    select col, any_value(name) as name,
           max(value) filter (where line = 1) as text,
           max(value) filter (where line = 2) as sub
    from header group by col
),
filled as (
    select col, name, sub,
           last_value(lower(trim(nullif(text, ''))) ignore nulls) over (order by col) as question_text
    from by_column
)
select filled.name,
       question.question_id, questions.question_type,
       item.item_id, multi.option_id as column_option_id
from filled
join labels as question on question.kind = 'question' and question.label = filled.question_text
join questions on questions.question_id = question.question_id
left join labels as item
    on item.kind = 'item' and item.question_id = question.question_id and item.label = lower(trim(filled.sub))
left join labels as multi
    on questions.question_type = 'multi_choice' and multi.kind = 'option'
   and multi.question_id = question.question_id and multi.label = lower(trim(filled.sub));

-- The body, streamed: every non-empty answer cell of every respondent, mapped to ids.
insert into answers
select '{edition_id}', '{audience}', cells.respondent, columns_map.question_id, columns_map.item_id,
       coalesce(columns_map.column_option_id, chosen.option_id)
from (
    unpivot (select * from read_csv('{path}', header = false, all_varchar = true, skip = 2))
    on columns(* exclude ({first_column})) into name name value value
) as cells(respondent, name, value)
join columns_map on columns_map.name = cells.name
left join labels as chosen
    on columns_map.column_option_id is null and chosen.kind = 'option'
   and chosen.question_id = columns_map.question_id and chosen.label = lower(trim(cells.value))
where cells.value <> '';

-- @shares
create table shares as
with bases as (
    select edition_id, audience, question_id, item_id, count(distinct line) as n_base
    from answers group by all
),
chosen as (
    select edition_id, audience, question_id, item_id, option_id, count(distinct line) as n_chosen
    from answers group by all
)
select chosen.*, bases.n_base, 100.0 * chosen.n_chosen / bases.n_base as pct
from chosen
join bases using (edition_id, audience, question_id)
where chosen.item_id is not distinct from bases.item_id;
