-- The warehouse's one time spine: every day of the report's horizon with its year. dbt's own date_spine
-- builds it on every engine; its end is exclusive, so the spine runs from 1 January of the first year to
-- 31 December of the last. The yearly models read their years from it.
with days as (
    {{ dbt.date_spine(
        'day',
        year_start_date(var('first_year')),
        year_start_date(var('last_year') + 1)
    ) }}
),

final as (
    select
        cast(date_day as date) as date_day,
        cast(extract(year from date_day) as integer) as year
    from days
)

select * from final
