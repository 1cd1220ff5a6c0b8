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

{#- A number rounded to `places` decimal places. PostgreSQL rounds to places only numerics, not
    double precision: there the value is cast to numeric first. -#}
{% macro round_to_places(expression, places) -%}
    {{ return(adapter.dispatch('round_to_places', 'accelerator_card_market')(expression, places)) }}
{%- endmacro %}

{% macro default__round_to_places(expression, places) -%}
    round({{ expression }}, {{ places }})
{%- endmacro %}

{% macro postgres__round_to_places(expression, places) -%}
    round(cast({{ expression }} as numeric), {{ places }})
{%- endmacro %}
