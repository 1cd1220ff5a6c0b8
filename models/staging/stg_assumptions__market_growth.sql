with source as (
    select * from {{ ref('assumed_market_growth') }}
),

renamed as (
    select
        {{ surrogate_key(['geography_id', 'period_start_year', 'period_end_year']) }} as market_growth_id,
        assumption_id,
        geography_id,
        period_start_year,
        period_end_year,
        cagr_pct,
        cagr_pct_low,
        cagr_pct_high,
        distribution,
        basis,
        rationale,
        range_rationale,
        evidence_ids,
        source_id
    from source
)

select * from renamed
