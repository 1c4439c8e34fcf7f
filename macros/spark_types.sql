{#- Spark knows `varchar` only with a length (`varchar(10)`); the project's contracts (models/
    *.yml) name DuckDB's length-less `varchar`, which on Spark is `string`. dbt's contract
    check and unit-test fixtures cast through dbt.cast(): Spark's gets the translation. -#}
{% macro spark__cast(field, type) -%}
    {%- set spark_type = 'string' if type | trim | lower == 'varchar' else type -%}
    cast({{ field }} as {{ spark_type }})
{%- endmacro %}
