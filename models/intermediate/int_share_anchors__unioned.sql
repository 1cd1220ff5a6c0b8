-- Geography shares (a region of global, a country of its region) and segment shares (a segment of a
-- geography's market) are the same thing: the share of a member in one breakdown of a geography.
-- Stating both in one shape lets one model interpolate them.
with geography_shares as (
    select * from {{ ref('stg_assumptions__geography_shares') }}
),

segment_shares as (
    select * from {{ ref('stg_assumptions__segment_shares') }}
),

geographies as (
    select * from {{ ref('stg_reference__geographies') }}
),

geography_anchors as (
    select
        geographies.parent_geography_id as geography_id,
        case geographies.geography_level when 'region' then 'region' else 'country' end as breakdown_id,
        geography_shares.geography_id as member_id,
        geography_shares.year,
        geography_shares.share_pct,
        geography_shares.basis,
        geography_shares.source_id
    from geography_shares
    inner join geographies
        on geography_shares.geography_id = geographies.geography_id
),

segment_anchors as (
    select
        geography_id,
        breakdown_id,
        segment_id as member_id,
        year,
        share_pct,
        basis,
        source_id
    from segment_shares
),

unioned as (
    select * from geography_anchors
    union all
    select * from segment_anchors
)

select * from unioned
