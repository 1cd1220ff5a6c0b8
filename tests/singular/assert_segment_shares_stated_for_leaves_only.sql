-- Segment mixes are assumed for leaf geographies only (countries and rest-of-region members) and for
-- every leaf and breakdown; regional and global mixes are rolled up from them. A mix stated for a
-- region would be counted twice, a missing one would lose a leaf's value.
{{ config(meta={
    'seed_problem': "seeds/assumptions/assumed_segment_shares.csv, column geography_id: "
        ~ "segment shares must be stated for every leaf geography (country or rest-of-region) and breakdown, and for no region or the globe"
}) }}

with segment_shares as (
    select * from {{ ref('stg_assumptions__segment_shares') }}
),

segments as (
    select * from {{ ref('stg_reference__segments') }}
),

geographies as (
    select * from {{ ref('dim_geography') }}
),

stated_for_non_leaf as (
    select distinct
        segment_shares.geography_id,
        segment_shares.breakdown_id,
        'mix stated for a geography that has children' as problem
    from segment_shares
    inner join geographies
        on segment_shares.geography_id = geographies.geography_id
    where not geographies.is_leaf
),

breakdowns as (
    select distinct breakdown_id
    from segments
),

stated as (
    select distinct
        geography_id,
        breakdown_id
    from segment_shares
),

expected as (
    select
        geographies.geography_id,
        breakdowns.breakdown_id
    from geographies
    cross join breakdowns
    where geographies.is_leaf
),

missing_for_leaf as (
    select
        expected.geography_id,
        expected.breakdown_id,
        'no mix stated for a leaf geography' as problem
    from expected
    left join stated
        on
            expected.geography_id = stated.geography_id
            and expected.breakdown_id = stated.breakdown_id
    where stated.geography_id is null
),

final as (
    select * from stated_for_non_leaf
    union all
    select * from missing_for_leaf
)

select * from final
