{#- In an incremental run, keep only rows of landings the target does not hold yet. A
    landing is an export (sha256 of the file) keyed with one salt (`landing_id`): if the salt
    changes, every respondent key changes and every export is taken again. The landings are
    listed by `int_response_landings` (every landed export, also one with no respondent), and
    the incremental_by_export materialization makes the target hold exactly them: it deletes
    the rows of every landing no longer listed (replaced, withdrawn, or re-keyed) and inserts
    the new ones; untouched editions are not read again, so adding one edition costs that
    edition, not the warehouse.

    The new exports are listed first (from the small landings view) and the filter is a
    list of literal export ids: DuckDB then skips the other exports' Parquet row groups by
    their statistics instead of reading and comparing every answer. A landing with no
    respondent is "new" on every run and inserts nothing. A model using this macro must
    declare `-- depends_on: {{ ref('int_response_landings') }}`. -#}
{% macro new_exports_only() %}
    {%- if is_incremental() -%}
        {%- set new_ids = new_export_ids() -%}
        {%- if new_ids | length == 0 %}
        where false  -- every landed export is already in {{ this }}
        {%- else %}
        where export_id in ({{ export_id_literals(new_ids) }})
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{% macro new_export_ids() %}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select distinct export_id from {{ ref('int_response_landings') }}
        where landing_id not in (select distinct landing_id from {{ this }})
        order by export_id
    {%- endset -%}
    {%- set export_ids = run_query(query).columns[0].values() | list -%}
    {%- for export_id in export_ids -%}
        {%- if not modules.re.fullmatch('[0-9a-f]{64}', export_id) -%}
            {{ exceptions.raise_compiler_error("landed export_id is not a sha256: " ~ export_id) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(export_ids) }}
{% endmacro %}

{#- 'id1', 'id2': SQL literals of export ids (new_export_ids() checked they are sha256 hex). -#}
{% macro export_id_literals(export_ids) -%}
    {%- for export_id in export_ids %}'{{ export_id }}'{{ ", " if not loop.last }}{% endfor -%}
{%- endmacro %}
