{#- Growth of a yearly series, computed once for every fact that has one. `partition_by` names the columns
    that identify a series (geography_id; geography_id, breakdown_id, segment_id); the series runs over `year`. -#}

{#- Growth on the previous year in percent; null for a series' first year. -#}
{% macro yoy_growth_pct(value_column, partition_by, year_column='year') -%}
    100 * (
        {{ value_column }} / nullif(
            lag({{ value_column }}) over (partition by {{ partition_by | join(', ') }} order by {{ year_column }}), 0
        )
        - 1
    )
{%- endmacro %}

{#- The compound annual growth rate in percent from var('forecast_base_year') to var('last_year'), the span
    of the report's headline CAGR, on every row of the series. -#}
{% macro forecast_cagr_pct(value_column, partition_by, year_column='year') -%}
    100 * (
        power(
            max(case when {{ year_column }} = {{ var('last_year') }} then {{ value_column }} end)
                over (partition by {{ partition_by | join(', ') }})
            / nullif(
                max(case when {{ year_column }} = {{ var('forecast_base_year') }} then {{ value_column }} end)
                    over (partition by {{ partition_by | join(', ') }}),
                0
            ),
            1 / cast({{ var('last_year') - var('forecast_base_year') }} as {{ type_double() }})
        )
        - 1
    )
{%- endmacro %}

{#- The basis of the growth on the previous year: the weaker of this year's basis and the previous year's
    (the 2025 value is reported, but its growth is on an assumed 2024); null where the growth is. -#}
{% macro yoy_growth_basis(basis_column, partition_by, year_column='year') -%}
    {%- set previous_basis -%}
        lag({{ basis_column }}) over (partition by {{ partition_by | join(', ') }} order by {{ year_column }})
    {%- endset -%}
    case
        when {{ previous_basis }} is not null then {{ combine_basis([basis_column, previous_basis]) }}
    end
{%- endmacro %}
