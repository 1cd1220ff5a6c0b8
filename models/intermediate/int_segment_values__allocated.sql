-- One row per leaf geography (country or rest-of-region member), breakdown, segment and year: the leaf's
-- value split by its segment mix in the base case (int_figures__simulated, run 0), and what it rests on
-- (the weaker of the leaf's value and the segment's share). Regions and the globe are summed from these
-- rows (int_segment_values__rolled_up), never given a mix of their own.
with geography_values as (
    select * from {{ ref('int_geography_values__allocated') }}
),

shares as (
    select * from {{ ref('int_segment_shares__interpolated') }}
),

base_figures as (
    select * from {{ ref('int_figures__scenarios') }}
    where run_id = 0 and figure_kind = 'segment_value'
),

final as (
    select
        shares.segment_share_id as segment_value_id,
        shares.geography_id,
        shares.breakdown_id,
        shares.segment_id,
        shares.year,
        base_figures.value_usd,
        {{ combine_basis(['geography_values.basis', 'shares.basis']) }} as basis,
        'allocated' as method,
        {{ weakest_source(['geography_values.', 'shares.']) }} as source_id
    from shares
    inner join geography_values
        on
            shares.geography_id = geography_values.geography_id
            and shares.year = geography_values.year
    inner join base_figures
        on
            shares.geography_id = base_figures.geography_id
            and shares.breakdown_id = base_figures.breakdown_id
            and shares.segment_id = base_figures.segment_id
            and shares.year = base_figures.year
)

select * from final
