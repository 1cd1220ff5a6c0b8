{#- Types and expressions that differ between engines, dispatched so that models stay portable. -#}

{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'accelerator_card_market')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{% macro postgres__type_double() -%}
    double precision
{%- endmacro %}
