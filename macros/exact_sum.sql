{#- A sum of floating-point values that every rebuild and every engine adds the same way. A plain sum of
    doubles depends on the order rows reach it (hash-join sides, threads), so a rebuild could differ in
    the last bit; an ordered aggregate fixes the order but sorts every group. Here each value is turned
    into a decimal with 18 places (38 digits: room for 20 integral digits, far more than any USD figure
    of the warehouse), whose sum is exact and so independent of the order, and the sum turned back into a
    double: the same bits whatever the plan, on DuckDB, PostgreSQL and Spark alike. -#}
{% macro exact_sum(expression) -%}
    cast(sum(cast({{ expression }} as decimal(38, 18))) as {{ type_double() }})
{%- endmacro %}
