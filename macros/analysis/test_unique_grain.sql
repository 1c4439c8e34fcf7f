{#- Fails on every combination of the given columns that occurs more than once: the
    declared grain of a model. Nulls count as equal (a plain question's null item is one
    value), unlike a SQL unique constraint. -#}
{% test unique_grain(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
