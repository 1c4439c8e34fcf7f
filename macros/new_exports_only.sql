{#- In an incremental run, keep only rows of landings the target does not hold yet. A
    landing is an export (sha256 of the file) keyed with one salt (`landing_id`): if the salt
    changes, every respondent key changes and every export is taken again. With
    `unique_key=['edition_id', 'audience']` and the delete+insert strategy, a new landing of
    an edition x audience (a corrected re-export) replaces its old rows; untouched editions
    are not read again, so adding one edition costs that edition, not the warehouse. -#}
{% macro new_exports_only() %}
    {%- if is_incremental() -%}
        where landing_id not in (select distinct landing_id from {{ this }})
    {%- endif -%}
{% endmacro %}
