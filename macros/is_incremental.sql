{#- dbt's own `is_incremental()`, also true for the `incremental_by_export` materialization
    (macros/materializations/incremental_by_export.sql): a project macro of this name
    replaces dbt's. The only change is the tuple of materializations. -#}
{% macro is_incremental() %}
    {#-- do not run introspective queries in parsing #}
    {% if not execute %}
        {{ return(False) }}
    {% else %}
        {% set relation = adapter.get_relation(this.database, this.schema, this.table) %}
        {{ return(relation is not none
                  and relation.type == 'table'
                  and model.config.materialized in ('incremental', 'incremental_by_export')
                  and not should_full_refresh()) }}
    {% endif %}
{% endmacro %}
