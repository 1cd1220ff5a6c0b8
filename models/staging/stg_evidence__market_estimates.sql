with source as (
    select * from {{ ref('external_market_estimates') }}
),

renamed as (
    select
        estimate_id,
        source_id,
        market_name,
        scope_class,
        geography,
        breakdown,
        member,
        year,
        period_label,
        value_qualifier,
        value_basis,
        is_verified,
        note,
        value_usd_bn * 1e9 as value_usd
    from source
)

select * from renamed
