{#- The landed respondent files of one kind (answers, respondents, quarantine), read by the
    engine's own Parquet reader: large exports must not go through `dbt seed`.
    `landed_dir` comes from Dagster (--vars, absolute); by hand it defaults to `landed/`
    beside the warehouse (WAREHOUSE_PATH, as profiles.yml). Relative paths are taken from
    the project directory, where dbt runs. Paths are data, never SQL: always sql_literal().
    Before anything is landed there are no files: the relation is then empty, with the given
    columns. `columns`: [name, type] pairs, in types both engines know (string, boolean,
    integer). The relation has these columns and `filename` (the file's path or URI).
    One macro per engine (adapter.dispatch): DuckDB reads the files directly, Spark through
    an external table over the folder. -#}
{% macro landed_parquet(kind, columns) %}
    {{- return(adapter.dispatch('landed_parquet')(kind, columns)) -}}
{% endmacro %}

{% macro landed_folder(kind) -%}
    {%- set warehouse = env_var('WAREHOUSE_PATH', 'data/warehouse.duckdb') -%}
    {%- set default_landed = modules.re.sub('[^/]*$', '', warehouse) ~ 'landed' -%}
    {{- var('landed_dir', default_landed) ~ '/' ~ kind -}}
{%- endmacro %}

{% macro default__landed_parquet(kind, columns) %}
    {%- set pattern = landed_folder(kind) ~ '/*.parquet' -%}
    {%- set file_count = 0 -%}
    {%- if execute -%}
        {%- set file_count = run_query("select count(*) from glob(" ~ sql_literal(pattern) ~ ")").columns[0].values()[0] -%}
    {%- endif -%}
    {%- if file_count > 0 -%}
        read_parquet({{ sql_literal(pattern) }}, union_by_name = true, filename = true)
    {%- else -%}
        (select {% for name, type in columns %}null::{{ type }} as {{ name }}, {% endfor %}null::varchar as filename where false)
    {%- endif -%}
{% endmacro %}

{#- Spark: an external Parquet table `landed.<kind>` over the folder, (re)declared with its
    columns whenever a model reading it compiles. A declared schema makes an empty or missing
    folder an empty table (Spark cannot infer a schema from no file), and a file written
    before the landing added a column reads that column as null (DuckDB's union_by_name).
    Dropping an external table never deletes its files. -#}
{% macro spark__landed_parquet(kind, columns) %}
    {%- set table = 'landed.' ~ kind -%}
    {%- if execute -%}
        {%- do run_query('create database if not exists landed') -%}
        {%- do run_query('drop table if exists ' ~ table) -%}
        {%- do run_query('create table ' ~ table ~ ' ('
            ~ columns | map('join', ' ') | join(', ')
            ~ ') using parquet location ' ~ sql_literal(landed_folder(kind))) -%}
    {%- endif -%}
    (select *, _metadata.file_path as filename from {{ table }})
{% endmacro %}

{#- A SQL string literal of any text (a path with a quote, `o'brien dir`): the Jinja twin of
    tendensen.warehouse.literal. -#}
{% macro sql_literal(value) -%}
    {{- return(adapter.dispatch('sql_literal')(value)) -}}
{%- endmacro %}

{% macro default__sql_literal(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{#- Spark's string literals take backslash escapes and no doubled quote. -#}
{% macro spark__sql_literal(value) -%}
    '{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
