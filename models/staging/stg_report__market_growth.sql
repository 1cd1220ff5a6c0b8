with source as (
    select * from {{ ref('report_market_growth') }}
),

renamed as (
    select
        {{ surrogate_key(['geography_id', 'period_start_year', 'period_end_year']) }} as market_growth_id,
        geography_id,
        period_start_year,
        period_end_year,
        period_label_raw,
        cagr_pct,
        basis,
        source_id
    from source
)

select * from renamed
