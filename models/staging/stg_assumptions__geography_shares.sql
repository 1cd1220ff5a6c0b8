with source as (
    select * from {{ ref('assumed_geography_shares') }}
),

renamed as (
    select
        {{ surrogate_key(['geography_id', 'year']) }} as geography_share_id,
        geography_id,
        year,
        share_pct,
        basis,
        rationale,
        source_id
    from source
)

select * from renamed
