{% macro cte_not_materialized() -%}
    {#- `with x as not materialized (...)`: DuckDB materialises a CTE read more than once, which
    spills millions of answer rows to disk (int_response_counts); the hint keeps it inlined.
    Spark inlines CTEs anyway and has no such syntax: nothing there. -#}
    {{- return(adapter.dispatch('cte_not_materialized')()) -}}
{%- endmacro %}

{% macro duckdb__cte_not_materialized() -%}
    not materialized
{%- endmacro %}

{% macro default__cte_not_materialized() -%}
{%- endmacro %}
