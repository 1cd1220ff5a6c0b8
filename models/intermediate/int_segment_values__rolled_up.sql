-- One row per geography, breakdown, segment and year: every geography's segment value in the base case
-- (int_figures__simulated, run 0: bottom up, the sum of its leaves', a leaf being its own only leaf, so
-- segment values add up across geographies as well as to each geography's total) with its share of its
-- geography, and what it rests on: the basis of its weakest leaves, and their source (the first, if they
-- differ).
with leaf_values as (
    select * from {{ ref('int_segment_values__allocated') }}
),

ancestry as (
    select * from {{ ref('int_geographies__ancestry') }}
),

base_figures as (
    select * from {{ ref('int_figures__scenarios') }}
    where run_id = 0 and figure_kind = 'segment_value'
),

leaf_values_by_ancestor as (
    select
        ancestry.ancestor_geography_id as geography_id,
        leaf_values.geography_id as leaf_geography_id,
        leaf_values.breakdown_id,
        leaf_values.segment_id,
        leaf_values.year,
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
        {{ surrogate_key([
            'rolled_up.geography_id', 'rolled_up.breakdown_id', 'rolled_up.segment_id', 'rolled_up.year'
        ]) }} as segment_value_id,
        rolled_up.geography_id,
        rolled_up.breakdown_id,
        rolled_up.segment_id,
        rolled_up.year,
        base_figures.value_usd,
        base_figures.share_pct,
        {{ basis_from_rank('rolled_up.basis_rank') }} as basis,
        rolled_up.method,
        rolled_up.source_id
    from rolled_up
    inner join base_figures
        on
            rolled_up.geography_id = base_figures.geography_id
            and rolled_up.breakdown_id = base_figures.breakdown_id
            and rolled_up.segment_id = base_figures.segment_id
            and rolled_up.year = base_figures.year
)

select * from final
