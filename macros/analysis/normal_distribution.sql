{#- The standard normal distribution in plain SQL. DuckDB 2.0 has no erf/erfc/normal_cdf,
    so erfc is approximated with the Chebyshev fit of Numerical Recipes (erfcc, 2nd ed.,
    section 6.2): fractional error below 1.2e-7 for every real argument, so every
    probability computed from it is within 1.2e-7 of the exact value (1e-6 is the target;
    tests/test_analysis_marts.py checks a grid from -20 to 20 against Python's math.erfc).

    Each macro expands to one SQL expression that repeats its argument; pass a column name
    or a cheap expression, not a subquery. The argument is cast to double so decimal
    literals (`1.96`) never fall into DuckDB's fixed-point arithmetic. -#}

{% macro erfc_approx(x) -%}
    {%- set z = 'abs(cast(' ~ x ~ ' as double))' -%}
    {%- set t = '(1.0 / (1.0 + 0.5 * ' ~ z ~ '))' -%}
    {#- erfc(z) = t * exp(-z^2 + c0 + t*(c1 + t*(c2 + ... + t*c9))) for z >= 0 -#}
    {%- set coefficients = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
                            0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277] -%}
    {%- set horner = namespace(expression=coefficients[-1] | string) -%}
    {%- for coefficient in coefficients[:-1] | reverse -%}
        {%- set horner.expression = '(' ~ coefficient ~ ' + ' ~ t ~ ' * ' ~ horner.expression ~ ')' -%}
    {%- endfor -%}
    {%- set erfc_of_abs = '(' ~ t ~ ' * exp(-' ~ z ~ ' * ' ~ z ~ ' + ' ~ horner.expression ~ '))' -%}
    (case
        when cast({{ x }} as double) >= 0 then {{ erfc_of_abs }}
        else 2.0 - {{ erfc_of_abs }}
    end)
{%- endmacro %}

{#- P(Z <= x) for a standard normal Z: 0.5 * erfc(-x / sqrt(2)). Null in, null out. -#}
{% macro normal_cdf(x) -%}
    (0.5 * {{ erfc_approx('(-(' ~ x ~ ') / sqrt(2.0))') }})
{%- endmacro %}

{#- Two-sided p-value of a z statistic, P(|Z| >= |z|) = erfc(|z| / sqrt(2)). Computed from
    erfc directly rather than as 2 * (1 - normal_cdf(|z|)), so small p-values keep their
    relative precision instead of cancelling to 0. -#}
{% macro normal_two_sided_p_value(z) -%}
    {#- clamped: the approximation's 1.2e-7 error can put p a hair above 1 at z = 0 -#}
    {#- (least/greatest skip nulls in DuckDB: keep a null z null) -#}
    (case when ({{ z }}) is not null
          then least(1.0, greatest(0.0, {{ erfc_approx('(abs(' ~ z ~ ') / sqrt(2.0))') }})) end)
{%- endmacro %}
