{#- Two-proportion z-test between two independent samples, in percentage points.

    The standard error is the unpooled (Wald) one, SE = sqrt(p1(1-p1)/n1 + p2(1-p2)/n2),
    used both for the z statistic and the 95% confidence interval of the difference, so
    `is_significant` (p < 0.05) and "the interval excludes 0" always agree. With shares in
    percent (0-100) the same formula gives the SE in points:
    sqrt(pct1 * (100 - pct1) / n1 + pct2 * (100 - pct2) / n2).
    Null when either base is unknown or not positive. -#}

{% macro proportion_difference_se_points(pct_a, n_a, pct_b, n_b) -%}
    sqrt(
        cast({{ pct_a }} as double) * (100.0 - {{ pct_a }}) / nullif({{ n_a }}, 0)
        + cast({{ pct_b }} as double) * (100.0 - {{ pct_b }}) / nullif({{ n_b }}, 0)
    )
{%- endmacro %}

{#- The 97.5% quantile of the standard normal distribution (two-sided 95% interval). -#}
{% macro z_critical_95() -%}
    1.959963984540054
{%- endmacro %}
