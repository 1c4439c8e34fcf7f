{#- The audit schema is written by the Great Expectations checks (Python), after dbt.
    dbt creates it up front (on-run-start) so that models may read it on a fresh
    warehouse and its columns are declared once, here, as CONTRACT.md specifies
    (one macro per engine: the same columns in each engine's types). -#}
{% macro create_audit_tables() %}
    {{- return(adapter.dispatch('create_audit_tables')()) -}}
{% endmacro %}

{% macro default__create_audit_tables() %}
    create schema if not exists audit;
    create table if not exists audit.share_checks (
        run_id          varchar,
        checked_at      timestamp,
        rule            varchar,
        edition_id      varchar,
        audience        varchar,
        question_id     varchar,
        item_label      varchar,
        source_report   varchar,
        source_figure   integer,
        observed        double,
        lower_bound     double,
        upper_bound     double,
        passed          boolean,
        acknowledged    boolean,
        note            varchar
    );
    create or replace view audit.latest_share_checks as
    select * from audit.share_checks
    where run_id = (select arg_max(run_id, checked_at) from audit.share_checks);
{% endmacro %}

{#- Spark runs one statement at a time: the first two here, the view as the hook's own SQL. -#}
{% macro spark__create_audit_tables() %}
    {%- if execute -%}
        {%- do run_query('create database if not exists audit') -%}
        {%- do run_query('create table if not exists audit.share_checks (
            run_id string, checked_at timestamp, rule string, edition_id string,
            audience string, question_id string, item_label string, source_report string,
            source_figure integer, observed double, lower_bound double, upper_bound double,
            passed boolean, acknowledged boolean, note string) using parquet') -%}
    {%- endif -%}
    create or replace view audit.latest_share_checks as
    select * from audit.share_checks
    where run_id = (select max_by(run_id, checked_at) from audit.share_checks)
{% endmacro %}
