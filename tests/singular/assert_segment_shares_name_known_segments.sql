-- Every assumed segment share names a segment of the taxonomy under its own dimension.
with segment_shares as (
    select * from {{ ref('stg_assumptions__segment_shares') }}
),

segments as (
    select * from {{ ref('stg_reference__segments') }}
),

final as (
    select segment_shares.*
    from segment_shares
    left join segments
        on
            segment_shares.breakdown_id = segments.breakdown_id
            and segment_shares.segment_id = segments.segment_id
    where segments.segment_id is null
)

select * from final
