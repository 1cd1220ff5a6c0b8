{#- A sum of floating-point values that every rebuild adds the same way. A plain sum of doubles depends on
    the order rows reach it (hash-join sides, threads), so a rebuild could differ in the last bit; an
    ordered aggregate fixes the order but sorts every group. Here each value is turned into a decimal with
    18 places (38 digits: room for 20 integral digits, far more than any USD figure of the warehouse),
    whose sum is exact and so independent of the order, and the sum turned back into a double: the same
    bits whatever the plan, on DuckDB and PostgreSQL alike.
    Spark keeps a decimal of more than 18 digits as a Java BigDecimal: summed so, the simulation's
    segment values took two thirds of its percentiles' time at 10^4 draws. Spark sums the doubles; its
    figures agree with the other engines' within 1e-9 relative (the cross-engine tests' tolerance), not
    to the bit. With `over`, a window's sum (its clause without the word: "partition by ..."). -#}
{% macro exact_sum(expression, over=none) -%}
    {{ return(adapter.dispatch('exact_sum', 'accelerator_card_market')(expression, over)) }}
{%- endmacro %}

{% macro default__exact_sum(expression, over=none) -%}
    cast(sum(cast({{ expression }} as decimal(38, 18))){{ ' over (' ~ over ~ ')' if over }} as {{ type_double() }})
{%- endmacro %}

{% macro spark__exact_sum(expression, over=none) -%}
    sum({{ expression }}){{ ' over (' ~ over ~ ')' if over }}
{%- endmacro %}
