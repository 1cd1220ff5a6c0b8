with source as (
    select * from {{ ref('external_market_shares') }}
),

renamed as (
    select
        share_id,
        source_id,
        market_name,
        scope_class,
        geography,
        year,
        period_label,
        breakdown,
        member,
        share_pct,
        share_qualifier,
        is_verified,
        note
    from source
)

select * from renamed
