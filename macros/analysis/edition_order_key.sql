{#- Chronological sort key of a survey wave: year * 100 + month, with month 0 for a yearly
    edition. So editions sort by year, then month, and a yearly edition ('2020' -> 202000)
    comes before the pulse surveys of its year ('2020-03' -> 202003, '2020-04' -> 202004).
    That is a convention: the reports do not say when in the year the yearly survey ran
    relative to the pulses. -#}
{% macro edition_order_key(edition_year, edition_month) -%}
    cast({{ edition_year }} * 100 + coalesce({{ edition_month }}, 0) as integer)
{%- endmacro %}
