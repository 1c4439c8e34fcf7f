{#- When this dbt run loaded the rows (UTC): constant per run, so in an incremental model
    it tells which rows a run (re)wrote. The publish step reuses a landing's Parquet file
    only if its rows carry the same landing and load. -#}
{% macro loaded_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
