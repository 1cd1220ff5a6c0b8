with geography_values as (
    select * from {{ ref('int_geography_values__allocated') }}
),

final as (
    select
        geography_id,
        parent_geography_id,
        year,
        {{ year_start_date('year') }} as year_start_date,
        value_usd,
        share_of_parent_pct,
        basis,
        source_id,
        100 * (
            value_usd / nullif(lag(value_usd) over (partition by geography_id order by year), 0) - 1
        ) as yoy_growth_pct
    from geography_values
)

select * from final
