with source as (
    select * from {{ ref('assumed_segment_shares') }}
),

renamed as (
    select
        {{ surrogate_key(['geography_id', 'breakdown_id', 'segment_id', 'year']) }} as segment_share_id,
        assumption_id,
        geography_id,
        breakdown_id,
        segment_id,
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
