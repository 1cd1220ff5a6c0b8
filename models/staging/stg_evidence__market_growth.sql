with source as (
    select * from {{ ref('external_market_growth') }}
),

renamed as (
    select
        growth_id,
        source_id,
        market_name,
        scope_class,
        geography,
        period_start_year,
        period_end_year,
        period_label_raw as printed_period_label,
        growth_pct,
        growth_kind,
        growth_qualifier,
        is_verified,
        note
    from source
)

select * from renamed
