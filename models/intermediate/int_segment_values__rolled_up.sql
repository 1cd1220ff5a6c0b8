-- Bottom up: segment mixes are assumed for leaf geographies (countries and rest-of-region members);
-- each leaf's value is split by its mix, and regions and the globe are the sums of their leaves.
-- Segment values therefore add up across geographies as well as to each geography's total, and the
-- regional and global mixes follow from the leaves rather than being assumed separately.
with geography_values as (
    select * from {{ ref('int_geography_values__allocated') }}
),

shares as (
    select * from {{ ref('int_shares__interpolated') }}
),

breakdowns as (
    select * from {{ ref('stg_reference__breakdowns') }}
),

ancestry as (
    select * from {{ ref('int_geographies__ancestry') }}
),

leaf_values as (
    select
        shares.geography_id,
        shares.breakdown_id,
        shares.member_id as segment_id,
        shares.year,
        geography_values.value_usd * shares.share_pct / 100 as value_usd,
        greatest({{ basis_rank('geography_values.basis') }}, {{ basis_rank('shares.basis') }}) as basis_rank,
        {{ weakest_source(['geography_values.', 'shares.']) }} as source_id
    from shares
    inner join breakdowns
        on shares.breakdown_id = breakdowns.breakdown_id
    inner join geography_values
        on
            shares.geography_id = geography_values.geography_id
            and shares.year = geography_values.year
    where breakdowns.breakdown_kind = 'segment'
),

leaf_values_by_ancestor as (
    select
        ancestry.ancestor_geography_id as geography_id,
        leaf_values.geography_id as leaf_geography_id,
        leaf_values.breakdown_id,
        leaf_values.segment_id,
        leaf_values.year,
        leaf_values.value_usd,
        leaf_values.basis_rank,
        leaf_values.source_id
    from leaf_values
    inner join ancestry
        on leaf_values.geography_id = ancestry.geography_id
),

rolled_up as (
    select
        geography_id,
        breakdown_id,
        segment_id,
        year,
        -- added leaf by leaf in a fixed order, so that every rebuild gives the same bits
        {{ ordered_sum('value_usd', 'leaf_geography_id') }} as value_usd,
        max(basis_rank) as basis_rank
    from leaf_values_by_ancestor
    group by geography_id, breakdown_id, segment_id, year
),

-- the source of a rolled-up figure is that of its weakest leaves (the first, if they differ)
weakest_sources as (
    select
        leaf_values_by_ancestor.geography_id,
        leaf_values_by_ancestor.breakdown_id,
        leaf_values_by_ancestor.segment_id,
        leaf_values_by_ancestor.year,
        min(leaf_values_by_ancestor.source_id) as source_id
    from leaf_values_by_ancestor
    inner join rolled_up
        on
            leaf_values_by_ancestor.geography_id = rolled_up.geography_id
            and leaf_values_by_ancestor.breakdown_id = rolled_up.breakdown_id
            and leaf_values_by_ancestor.segment_id = rolled_up.segment_id
            and leaf_values_by_ancestor.year = rolled_up.year
            and leaf_values_by_ancestor.basis_rank = rolled_up.basis_rank
    group by
        leaf_values_by_ancestor.geography_id,
        leaf_values_by_ancestor.breakdown_id,
        leaf_values_by_ancestor.segment_id,
        leaf_values_by_ancestor.year
),

final as (
    select
        rolled_up.geography_id,
        rolled_up.breakdown_id,
        rolled_up.segment_id,
        rolled_up.year,
        rolled_up.value_usd,
        100 * rolled_up.value_usd / nullif(
            sum(rolled_up.value_usd) over (
                partition by rolled_up.geography_id, rolled_up.breakdown_id, rolled_up.year
                order by rolled_up.segment_id
                rows between unbounded preceding and unbounded following
            ),
            0
        ) as share_pct,
        {{ basis_from_rank('rolled_up.basis_rank') }} as basis,
        weakest_sources.source_id
    from rolled_up
    inner join weakest_sources
        on
            rolled_up.geography_id = weakest_sources.geography_id
            and rolled_up.breakdown_id = weakest_sources.breakdown_id
            and rolled_up.segment_id = weakest_sources.segment_id
            and rolled_up.year = weakest_sources.year
)

select * from final
