{#- A sum of floating-point values added in a stated order. Floating-point addition is not associative:
    a plain sum depends on the order rows reach it, which SQL leaves to the engine's plan (hash-join
    sides, statistics, threads), so a rebuild could differ in the last bit. Adding in key order gives
    the same bits whatever the history of the tables. Spark has no ordered aggregate: its sums are
    compared with a relative tolerance. -#}
{% macro ordered_sum(expression, order_by) -%}
    {{ return(adapter.dispatch('ordered_sum', 'accelerator_card_market')(expression, order_by)) }}
{%- endmacro %}

{% macro default__ordered_sum(expression, order_by) -%}
    sum({{ expression }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_sum(expression, order_by) -%}
    sum({{ expression }})
{%- endmacro %}
