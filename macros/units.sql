{#- Converts a stated figure to base units: USD for money, percent stays percent, TWh stays TWh, cards stay cards.
    Unknown units yield null, which the staging tests reject. -#}
{% macro to_base_unit(value_column, unit_column) -%}
    case {{ unit_column }}
        when 'USD billion' then {{ value_column }} * 1e9
        when 'USD million' then {{ value_column }} * 1e6
        when 'USD' then {{ value_column }}
        when 'TWh' then {{ value_column }}
        when 'cards' then {{ value_column }}
        when 'percent' then {{ value_column }}
    end
{%- endmacro %}

{% macro base_unit(unit_column) -%}
    case
        when {{ unit_column }} like 'USD%' then 'USD'
        else {{ unit_column }}
    end
{%- endmacro %}
