with days as (
    select * from {{ ref('int_days__spined') }}
),

final as (
    select
        date_day,
        year
    from days
)

select * from final
