-- Bottom up: every geography's segment value is the sum of its leaves' (a leaf is its own only leaf), so
-- segment values add up across geographies as well as to each geography's total. The basis of a sum is
-- that of its weakest leaves, and its source theirs (the first, if they differ).
with leaf_values as (
    select * from {{ ref('int_segment_values__allocated') }}
),

ancestry as (
    select * from {{ ref('int_geographies__ancestry') }}
),

leaf_values_by_ancestor as (
    select
        ancestry.ancestor_geography_id as geography_id,
        leaf_values.geography_id as leaf_geography_id,
        leaf_values.breakdown_id,
        leaf_values.segment_id,
        leaf_values.year,
        leaf_values.value_usd,
        leaf_values.source_id,
        {{ basis_rank('leaf_values.basis') }} as basis_rank
    from leaf_values
    inner join ancestry
        on leaf_values.geography_id = ancestry.geography_id
),

ranked as (
    select
        geography_id,
        leaf_geography_id,
        breakdown_id,
        segment_id,
        year,
        value_usd,
        basis_rank,
        source_id,
        max(basis_rank) over (partition by geography_id, breakdown_id, segment_id, year) as weakest_basis_rank
    from leaf_values_by_ancestor
),

rolled_up as (
    select
        geography_id,
        breakdown_id,
        segment_id,
        year,
        -- added leaf by leaf in a fixed order, so that every rebuild gives the same bits
        {{ ordered_sum('value_usd', 'leaf_geography_id') }} as value_usd,
        max(basis_rank) as basis_rank,
        -- a leaf is its own only leaf: its value is allocated, not summed
        case
            when min(leaf_geography_id) = geography_id and max(leaf_geography_id) = geography_id then 'allocated'
            else 'rolled_up'
        end as method,
        min(case when basis_rank = weakest_basis_rank then source_id end) as source_id
    from ranked
    group by geography_id, breakdown_id, segment_id, year
),

final as (
    select
        {{ surrogate_key(['geography_id', 'breakdown_id', 'segment_id', 'year']) }} as segment_value_id,
        geography_id,
        breakdown_id,
        segment_id,
        year,
        value_usd,
        {{ basis_from_rank('basis_rank') }} as basis,
        method,
        source_id
    from rolled_up
)

select * from final
