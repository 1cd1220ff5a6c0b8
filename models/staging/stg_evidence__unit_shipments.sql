with source as (
    select * from {{ ref('unit_shipments') }}
),

renamed as (
    select
        shipment_id,
        source_id,
        market_name,
        scope_class,
        geography,
        breakdown,
        member,
        year,
        period_label,
        units,
        unit_qualifier,
        is_verified,
        note
    from source
)

select * from renamed
