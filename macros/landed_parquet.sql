{#- The landed respondent files of one kind (answers, respondents, quarantine), read with
    DuckDB's own Parquet reader: large exports must not go through `dbt seed`.
    `landed_dir` comes from Dagster (--vars, absolute); by hand it defaults to `landed/`
    beside the warehouse (WAREHOUSE_PATH, as profiles.yml). Relative paths are taken from
    the project directory, where dbt runs. Paths are data, never SQL: always sql_literal().
    Before anything is landed there are no files: the relation is then empty, with the given
    columns. -#}
{% macro landed_parquet(kind, empty_columns) %}
    {%- set warehouse = env_var('WAREHOUSE_PATH', 'data/warehouse.duckdb') -%}
    {%- set default_landed = modules.re.sub('[^/]*$', '', warehouse) ~ 'landed' -%}
    {%- set pattern = var('landed_dir', default_landed) ~ '/' ~ kind ~ '/*.parquet' -%}
    {%- set file_count = 0 -%}
    {%- if execute -%}
        {%- set file_count = run_query("select count(*) from glob(" ~ sql_literal(pattern) ~ ")").columns[0].values()[0] -%}
    {%- endif -%}
    {%- if file_count > 0 -%}
        read_parquet({{ sql_literal(pattern) }}, union_by_name = true, filename = true)
    {%- else -%}
        (select {{ empty_columns }}, null::varchar as filename where false)
    {%- endif -%}
{% endmacro %}

{#- A SQL string literal of any text (a path with a quote, `o'brien dir`): the Jinja twin of
    orchestration.warehouse.literal. -#}
{% macro sql_literal(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}
