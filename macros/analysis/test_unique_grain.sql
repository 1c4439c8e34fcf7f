{#- Fails on every combination of the given columns that occurs more than once: the
    declared grain of a model. Nulls count as equal (a plain question's null item is one
    value), unlike a SQL unique constraint. Columns listed in `not_null` must also never be
    null: one test instead of one per column, which counts on a view that every test
    recomputes (edition_summary).

    Grouped by one 64-bit hash of the columns first, then by the columns themselves only for
    the rows whose hash repeats: exact (a hash collision is regrouped, not reported), and on
    the respondent-grain fact far cheaper than grouping 49M rows by four strings, which at 1M
    respondents took 50-70 s and ran out of DuckDB's 1 GB (bench/NOTES.md). Equal values,
    nulls included, hash alike in DuckDB and Spark. -#}
{% test unique_grain(model, columns, not_null=[]) %}
{%- set grain = columns | join(', ') %}
select
    {{ grain }},
    count(*) as n_rows
from {{ model }}
where hash({{ grain }}) in (
        select hash({{ grain }}) from {{ model }}
        group by hash({{ grain }})
        having count(*) > 1
    )
{%- for column in not_null %}
    or {{ column }} is null
{%- endfor %}
group by {{ grain }}
having count(*) > 1
{%- for column in not_null %}
    or bool_or({{ column }} is null)
{%- endfor %}
{% endtest %}
