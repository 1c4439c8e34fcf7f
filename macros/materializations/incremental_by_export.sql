{#- Incremental per landed export, written straight into the target table.

    For the models that read only new landed exports (`new_exports_only()`). dbt-duckdb's
    `incremental` materialization first writes the new rows to a staging table, then deletes
    and inserts from it: the rows of a new edition are written twice. For the respondent-grain
    fact (4.9M answer rows per 100k respondents) that took 4.3 s, against 1.8 s here
    (measured on the 11-edition benchmark warehouse).

    This one runs, in one transaction:
        delete from target where landing_id not in (the landings, int_response_landings);
        insert into target by name (the model's SQL: the new exports' rows), if there are any.
    So the target holds the rows of exactly the landed exports, whatever changed: a corrected
    re-export replaces its edition x audience, an export whose every row was quarantined
    (no respondent) still removes the rows of the one it replaced, a withdrawn export's rows
    go. The landings come from the small respondents and quarantine files, not from the
    model's SQL: that may aggregate millions of rows, and would run twice.
    The rest is as dbt's incremental:
    - a first build, or `--full-refresh`, creates the table (model contract enforced);
    - `is_incremental()` is true on later builds (macros/is_incremental.sql);
    - a column the model gained is added to the table (on_schema_change: append_new_columns);
      a column the model lost fails the build, naming it (rebuild with `--full-refresh`).

    The model has a `landing_id` column and declares
    `-- depends_on: {{ ref('int_response_landings') }}`, as new_exports_only() asks. (The
    `unique_key` of dbt_project.yml, edition_id and audience, documents the grain at which an
    export replaces another; int_response_landings tests it.) -#}
{% materialization incremental_by_export, adapter='duckdb' %}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set rebuild = existing_relation is none or existing_relation.type != 'table' or should_full_refresh() -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if rebuild %}
        {%- call statement('main') -%}
            {%- if existing_relation is not none %}
            drop {{ existing_relation.type }} if exists {{ existing_relation }} cascade;
            {%- endif %}
            {{ create_table_as(False, target_relation, sql) }}
        {%- endcall -%}
    {%- else %}
        {#- even with no new export: a model downstream may already select the new column #}
        {%- do add_new_columns_of(sql, target_relation) -%}
        {%- set new_ids = new_export_ids() -%}
        {%- call statement('main') -%}
            delete from {{ target_relation }}
            where landing_id not in (select landing_id from {{ ref('int_response_landings') }});
            {%- if new_ids %}
            {#- the model's SQL may end in a -- comment: its own line, then the parenthesis #}
            insert into {{ target_relation }} by name (
                {{ sql }}
            );
            {%- endif %}
        {%- endcall -%}
    {%- endif %}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {%- do adapter.commit() -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {%- do persist_docs(target_relation, model) -%}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{#- Add to `relation` the columns `select_sql` has and it lacks; fail on a dropped column. -#}
{% macro add_new_columns_of(select_sql, relation) %}
    {%- set wanted = get_column_schema_from_query(select_sql) -%}
    {%- set present = adapter.get_columns_in_relation(relation) -%}
    {%- set present_names = present | map(attribute='name') | map('lower') | list -%}
    {%- set wanted_names = wanted | map(attribute='name') | map('lower') | list -%}
    {%- set dropped = present_names | reject('in', wanted_names) | list -%}
    {%- if dropped -%}
        {{ exceptions.raise_compiler_error(
            relation ~ " has column(s) the model no longer selects: " ~ dropped | join(', ')
            ~ ". Rebuild it: dbt build --full-refresh --select " ~ model.name) }}
    {%- endif -%}
    {%- set added = wanted | rejectattr('name', 'in', present | map(attribute='name') | list) | list -%}
    {%- if added -%}
        {{ log("Adding column(s) " ~ added | map(attribute='name') | join(', ') ~ " to " ~ relation, info=true) }}
        {%- do alter_relation_add_remove_columns(relation, added, none) -%}
    {%- endif -%}
{% endmacro %}


{#- The same contract on Spark, whose Parquet tables have no DELETE: the table is partitioned
    by edition x audience (one landed export each), so an export's rows are a folder.
    - a first build, or `--full-refresh`, creates the partitioned table (Spark puts the
      partition columns last; the columns are the model's);
    - later: the partitions holding a landing no longer landed (replaced, withdrawn, re-keyed)
      are dropped, then the new exports' rows are written with `insert overwrite` of their
      partitions only (dynamic partition overwrite: the untouched editions are not rewritten).
    Spark has no multi-statement transaction: a run killed between the two steps leaves the
    dropped exports missing until the next build inserts them again (new_export_ids() lists
    them as new). -#}
{% materialization incremental_by_export, adapter='spark' %}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set rebuild = existing_relation is none or existing_relation.type != 'table' or should_full_refresh() -%}
    {%- set partition_columns = ['edition_id', 'audience'] -%}

    {{ run_hooks(pre_hooks) }}

    {%- if rebuild %}
        {%- if existing_relation is not none %}
            {%- do adapter.drop_relation(existing_relation) -%}
        {%- endif %}
        {%- call statement('main') -%}
            create table {{ target_relation }}
            using parquet
            partitioned by ({{ partition_columns | join(', ') }})
            as {{ sql }}
        {%- endcall -%}
    {%- else %}
        {%- do add_new_columns_of(sql, target_relation) -%}
        {%- set stale_query -%}
            select distinct edition_id, audience from {{ target_relation }}
            where landing_id not in (select landing_id from {{ ref('int_response_landings') }})
        {%- endset -%}
        {%- for row in run_query(stale_query) -%}
            {%- call statement('drop_stale_partition') -%}
                alter table {{ target_relation }} drop if exists
                partition (edition_id = {{ sql_literal(row[0]) }}, audience = {{ sql_literal(row[1]) }})
            {%- endcall -%}
        {%- endfor -%}
        {%- set new_ids = new_export_ids() -%}
        {%- set table_columns = adapter.get_columns_in_relation(target_relation) | map(attribute='name') | list -%}
        {%- call statement('main') -%}
            {%- if new_ids %}
            insert overwrite table {{ target_relation }}
            partition ({{ partition_columns | join(', ') }})
            select {{ table_columns | reject('in', partition_columns) | join(', ') }}, {{ partition_columns | join(', ') }}
            from (
                {{ sql }}
            ) as new_exports
            {%- else %}
            select 'every landed export is already in {{ target_relation }}' as nothing_to_insert
            {%- endif %}
        {%- endcall -%}
    {%- endif %}

    {{ run_hooks(post_hooks) }}
    {%- do persist_docs(target_relation, model) -%}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
