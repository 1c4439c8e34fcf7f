{#- The audit schema is written by the Great Expectations checks (Python), after dbt.
    dbt creates it up front (on-run-start) so that models may read it on a fresh
    warehouse and its columns are declared once, here, as CONTRACT.md specifies. -#}
{% macro create_audit_tables() %}
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
