with source as (
    select * from {{ ref('assumed_geography_shares') }}
),

renamed as (
    select
        {{ surrogate_key(['geography_id', 'year']) }} as geography_share_id,
        assumption_id,
        geography_id,
        year,
        share_pct,
        share_pct_low,
        share_pct_high,
        distribution,
        basis,
        rationale,
        range_rationale,
        evidence_ids,
        source_id
    from source
)

select * from renamed
