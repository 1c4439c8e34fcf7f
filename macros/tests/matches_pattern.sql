{#- Fails on every non-null value that does not match the regular expression. -#}
{% test matches_pattern(model, column_name, pattern) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and not {{ regexp_matches_whole(column_name, "'" ~ pattern ~ "'") }}
{% endtest %}

{#- True when the regular expression matches the whole text (not only a part of it). -#}
{% macro regexp_matches_whole(text, pattern) %}
    {{- return(adapter.dispatch('regexp_matches_whole')(text, pattern)) -}}
{% endmacro %}

{% macro default__regexp_matches_whole(text, pattern) -%}
    regexp_full_match({{ text }}, {{ pattern }})
{%- endmacro %}

{#- Spark's rlike matches anywhere in the text: anchor the whole pattern. -#}
{% macro spark__regexp_matches_whole(text, pattern) -%}
    ({{ text }} rlike concat('^(?:', {{ pattern }}, ')$'))
{%- endmacro %}
