{#- The landed respondent files of one kind (answers, respondents, quarantine), read with
    DuckDB's own Parquet reader: large exports must not go through `dbt seed`.
    `landed_dir` comes from Dagster (--vars, absolute); relative paths are taken from the
    project directory, where dbt runs. Before anything is landed there are no files: the
    relation is then empty, with the given columns. -#}
{% macro landed_parquet(kind, empty_columns) %}
    {%- set pattern = var('landed_dir', 'data/landed') ~ '/' ~ kind ~ '/*.parquet' -%}
    {%- set file_count = 0 -%}
    {%- if execute -%}
        {%- set file_count = run_query("select count(*) from glob('" ~ pattern ~ "')").columns[0].values()[0] -%}
    {%- endif -%}
    {%- if file_count > 0 -%}
        read_parquet('{{ pattern }}', union_by_name = true, filename = true)
    {%- else -%}
        (select {{ empty_columns }}, null::varchar as filename where false)
    {%- endif -%}
{% endmacro %}
