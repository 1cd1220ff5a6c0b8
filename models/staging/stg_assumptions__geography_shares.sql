with source as (
    select * from {{ ref('assumed_geography_shares') }}
),

renamed as (
    select
        geography_id,
        year,
        share_pct,
        basis,
        rationale,
        source_id
    from source
)

select * from renamed
