{#- Spark knows `varchar` only with a length (`varchar(10)`). The project's contracts (models/
    *.yml) and seed column types (seeds/*.yml) name DuckDB's length-less `varchar`, which on
    Spark is `string`: dbt's contract check and unit-test fixtures cast through dbt.cast(), and
    dbt-spark's seed loading takes the seed's column types as they are, so both get the
    translation here, for Spark only. -#}
{% macro spark_type(type) -%}
    {{- 'string' if type | trim | lower == 'varchar' else type -}}
{%- endmacro %}

{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_type(type) }})
{%- endmacro %}

{% macro spark__create_csv_table(model, agate_table) %}
    {%- do spark_seed_column_types(model) -%}
    {{ return(dbt.spark__create_csv_table(model, agate_table)) }}
{% endmacro %}

{#- dbt-spark's own seed loading (`session` method) pastes each value into the SQL between
    quotes, unescaped: a label with an apostrophe breaks the statement, and an empty cell
    becomes the text 'None'. Here every value is a literal of its kind: null, a number, a
    boolean, or an escaped string (sql_literal), cast to the column's type. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- do spark_seed_column_types(model) -%}
    {%- set column_types = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for name in agate_table.column_names -%}
        {%- do types.append(column_types.get(name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    cast({{ spark_seed_literal(value) }} as {{ types[loop.index0] }}){{ ', ' if not loop.last }}
                {%- endfor -%}){{ ',' if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{% macro spark_seed_literal(value) -%}
    {%- if value is none -%} null
    {%- elif value is sameas true -%} true
    {%- elif value is sameas false -%} false
    {%- elif value is number -%} {{ value }}
    {%- else -%} {{ sql_literal(value | string) }}
    {%- endif -%}
{%- endmacro %}

{#- The seed's configured column types, in Spark's words (in place: this run's copy of the config). -#}
{% macro spark_seed_column_types(model) %}
    {%- set column_types = model['config'].get('column_types', {}) -%}
    {%- for name in column_types.keys() | list -%}
        {%- do column_types.update({name: spark_type(column_types[name])}) -%}
    {%- endfor -%}
{% endmacro %}
