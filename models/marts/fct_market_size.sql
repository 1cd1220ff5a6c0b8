with geography_values as (
    select * from {{ ref('int_geography_values__allocated') }}
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
