{#- An aggregate: the distinct non-null values of `expression` in the group, sorted (numbers
    as numbers), joined by `separator` into one text; null when there is none. One macro per
    engine: DuckDB's lists, Spark's arrays. -#}
{% macro sorted_distinct_list(expression, separator) %}
    {{- return(adapter.dispatch('sorted_distinct_list')(expression, separator)) -}}
{% endmacro %}

{% macro default__sorted_distinct_list(expression, separator) -%}
    nullif(array_to_string(list_sort(
        list(distinct {{ expression }}) filter (where {{ expression }} is not null)
    ), '{{ separator }}'), '')
{%- endmacro %}

{#- collect_set skips nulls; sorted before the values become text (7 before 12). -#}
{% macro spark__sorted_distinct_list(expression, separator) -%}
    nullif(array_join(transform(
        array_sort(collect_set({{ expression }})), value -> cast(value as string)
    ), '{{ separator }}'), '')
{%- endmacro %}
