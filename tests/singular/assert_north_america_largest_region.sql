-- The report names North America the largest market: in every year no region is larger.
with market_size as (
    select * from {{ ref('fct_market_size') }}
),

geographies as (
    select * from {{ ref('dim_geography') }}
),

regions as (
    select
        market_size.geography_id,
        market_size.year,
        market_size.value_usd
    from market_size
    inner join geographies
        on market_size.geography_id = geographies.geography_id
    where geographies.geography_level = 'region'
),

north_america as (
    select
        year,
        value_usd
    from regions
    where geography_id = 'north_america'
),

final as (
    select
        regions.geography_id,
        regions.year,
        regions.value_usd,
        north_america.value_usd as north_america_value_usd
    from regions
    left join north_america
        on regions.year = north_america.year
    where north_america.value_usd is null or regions.value_usd > north_america.value_usd
)

select * from final
