{#- The distinct values of `column` in a group as one text, sorted, `delimiter` between them: the same
    text on every engine (Spark's listagg cannot order, so it sorts a collected set instead). -#}
{% macro ordered_list(column, delimiter=';') -%}
    {{ return(adapter.dispatch('ordered_list', 'accelerator_card_market')(column, delimiter)) }}
{%- endmacro %}

{% macro default__ordered_list(column, delimiter) -%}
    string_agg(distinct {{ column }}, '{{ delimiter }}' order by {{ column }})
{%- endmacro %}

{% macro spark__ordered_list(column, delimiter) -%}
    nullif(array_join(array_sort(collect_set({{ column }})), '{{ delimiter }}'), '')
{%- endmacro %}
