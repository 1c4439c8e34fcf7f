{#- Fails on every combination of the given columns that occurs more than once: the
    declared grain of a model. Nulls count as equal (a plain question's null item is one
    value), unlike a SQL unique constraint. Columns listed in `not_null` must also never be
    null: one test instead of one per column, which counts on a view that every test
    recomputes (edition_summary). -#}
{% test unique_grain(model, columns, not_null=[]) %}
select
    {{ columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{%- for column in not_null %}
    or bool_or({{ column }} is null)
{%- endfor %}
{% endtest %}
