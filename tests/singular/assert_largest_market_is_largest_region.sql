-- The region the report names its largest market is, in every year, at least as large as any other.
{{ config(meta={
    'seed_problem': "seeds/assumptions/assumed_geography_shares.csv, the rows of the regions, column share_pct: "
        ~ "the region seeds/report/report_market_highlights.csv names the largest market is not the largest in every year"
}) }}

with market_size as (
    select * from {{ ref('fct_market_size') }}
),

geographies as (
    select * from {{ ref('dim_geography') }}
),

highlights as (
    select * from {{ ref('stg_report__market_highlights') }}
),

largest_named as (
    select member_id as geography_id
    from highlights
    where highlight_id = 'largest_market'
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

named_region as (
    select
        regions.year,
        regions.value_usd
    from regions
    inner join largest_named
        on regions.geography_id = largest_named.geography_id
),

final as (
    select
        regions.geography_id,
        regions.year,
        regions.value_usd,
        named_region.value_usd as named_region_value_usd
    from regions
    left join named_region
        on regions.year = named_region.year
    where named_region.value_usd is null or regions.value_usd > named_region.value_usd
)

select * from final
