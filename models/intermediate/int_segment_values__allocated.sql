-- Segment mixes are assumed for leaf geographies only (countries and rest-of-region members): each
-- leaf's value is split by its mix. Regions and the globe are summed from these rows
-- (int_segment_values__rolled_up), never given a mix of their own.
with geography_values as (
    select * from {{ ref('int_geography_values__allocated') }}
),

shares as (
    select * from {{ ref('int_segment_shares__interpolated') }}
),

final as (
    select
        shares.segment_share_id as segment_value_id,
        shares.geography_id,
        shares.breakdown_id,
        shares.segment_id,
        shares.year,
        geography_values.value_usd * shares.share_pct / 100 as value_usd,
        {{ combine_basis(['geography_values.basis', 'shares.basis']) }} as basis,
        'allocated' as method,
        {{ weakest_source(['geography_values.', 'shares.']) }} as source_id
    from shares
    inner join geography_values
        on
            shares.geography_id = geography_values.geography_id
            and shares.year = geography_values.year
)

select * from final
