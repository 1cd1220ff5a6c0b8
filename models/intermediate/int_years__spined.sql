-- One row per year of the report's horizon. Built from a digits table rather than an engine's series
-- function so that it runs unchanged on every engine; covers spans of up to 100 years.
with digits as (
    select 0 as digit
    union all
    select 1
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5
    union all
    select 6
    union all
    select 7
    union all
    select 8
    union all
    select 9
),

years as (
    select {{ var('first_year') }} + tens.digit * 10 + units.digit as year
    from digits as tens
    cross join digits as units
),

final as (
    select year
    from years
    where year <= {{ var('last_year') }}
)

select * from final
