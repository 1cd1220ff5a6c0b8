-- The time spine has every day from 1 January of the first year to 31 December of the last, once each.
with days as (
    select * from {{ ref('dim_date') }}
),

spine as (
    select
        count(*) as day_count,
        count(distinct date_day) as distinct_day_count,
        min(date_day) as first_day,
        max(date_day) as last_day
    from days
),

with_span as (
    select
        day_count,
        distinct_day_count,
        first_day,
        last_day,
        {{ dbt.datediff('first_day', 'last_day', 'day') | trim }} + 1 as span_day_count
    from spine
),

final as (
    select
        day_count,
        distinct_day_count,
        span_day_count,
        first_day,
        last_day
    from with_span
    where
        first_day <> {{ year_start_date(var('first_year')) }}
        or last_day <> {{ dbt.dateadd('day', -1, year_start_date(var('last_year') + 1)) }}
        or day_count <> distinct_day_count
        or day_count <> span_day_count
)

select * from final
