-- Segment shares of leaf geographies, linear in time between the assumed anchor years (the same macro as
-- the geography shares).
with anchors as (
    select * from {{ ref('stg_assumptions__segment_shares') }}
),

days as (
    select * from {{ ref('int_days__spined') }}
),

years as (
    select distinct year from days
),

interpolated as (
    {{ interpolate_linearly('anchors', 'years', ['geography_id', 'breakdown_id', 'segment_id'], 'share_pct') }}
),

final as (
    select
        {{ surrogate_key(['geography_id', 'breakdown_id', 'segment_id', 'year']) }} as segment_share_id,
        geography_id,
        breakdown_id,
        segment_id,
        year,
        share_pct,
        basis,
        source_id
    from interpolated
)

select * from final
