with geography_values as (
    select * from {{ ref('int_geography_values__allocated') }}
),

with_span_values as (
    select
        geography_id,
        parent_geography_id,
        year,
        value_usd,
        share_of_parent_pct,
        basis,
        source_id,
        lag(value_usd) over (partition by geography_id order by year) as previous_year_value_usd,
        max(case when year = {{ var('forecast_base_year') }} then value_usd end) over (
            partition by geography_id
        ) as base_year_value_usd,
        max(case when year = {{ var('last_year') }} then value_usd end) over (
            partition by geography_id
        ) as last_year_value_usd
    from geography_values
),

final as (
    select
        market_size_id,
        geography_id,
        parent_geography_id,
        year,
        {{ year_start_date('year') }} as year_start_date,
        value_usd,
        share_of_parent_pct,
        basis,
        source_id,
        {{ yoy_growth_pct('value_usd', ['geography_id']) }} as yoy_growth_pct,
        {{ forecast_cagr_pct('value_usd', ['geography_id']) }} as forecast_cagr_pct
    from geography_values
)

select * from final
