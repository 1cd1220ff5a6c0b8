-- One row per geography with a reported size (the globe) and year of the horizon: the reported sizes
-- around the year (the same one on a reported year; none before the first or after the last), with what
-- each rests on. The one home of that bracketing: int_market_size__simulated grows each run's market
-- between them, and int_market_size__interpolated labels the base case's by them.
with reported_size as (
    select * from {{ ref('stg_report__market_size') }}
),

days as (
    select * from {{ ref('int_days__spined') }}
),

years as (
    select distinct year from days
),

anchors as (
    select
        geography_id,
        year,
        value_usd,
        basis,
        source_id
    from reported_size
),

series as (
    select
        sized.geography_id,
        years.year
    from (select distinct geography_id from anchors) as sized
    cross join years
),

final as (
    {{ bracket_by_anchor_years('series', 'anchors', ['geography_id'], 'value_usd') }}
)

select * from final
