with source as (
    select * from {{ ref('report_market_size') }}
),

renamed as (
    select
        geography_id,
        year,
        {{ to_base_unit('value', 'unit') }} as value_usd,
        basis,
        source_id
    from source
)

select * from renamed
