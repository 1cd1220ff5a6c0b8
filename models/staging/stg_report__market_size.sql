with source as (
    select * from {{ ref('report_market_size') }}
),

renamed as (
    select
        {{ surrogate_key(['geography_id', 'year']) }} as market_size_id,
        geography_id,
        year,
        {{ to_base_unit('value', 'unit') }} as value_usd,
        basis,
        source_id
    from source
)

select * from renamed
