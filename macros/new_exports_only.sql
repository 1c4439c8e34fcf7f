{#- In an incremental run, keep only rows of exports the target does not hold yet. With
    `unique_key=['edition_id', 'audience']` and the delete+insert strategy, a re-landed
    (corrected) export of an edition x audience replaces its old rows; untouched editions
    are not read again. Adding one edition therefore costs that edition, not the warehouse. -#}
{% macro new_exports_only(relation_alias='') %}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {%- if is_incremental() -%}
        where {{ prefix }}export_id not in (select distinct export_id from {{ this }})
    {%- endif -%}
{% endmacro %}
