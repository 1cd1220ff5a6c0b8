with segment_values as (
    select * from {{ ref('int_segment_values__rolled_up') }}
),

geographies as (
    select * from {{ ref('stg_reference__geographies') }}
),

value_assumptions as (
    select * from {{ ref('int_values__assumptions_traced') }}
),

assumption_lists as (
    select
        geography_id,
        breakdown_id,
        segment_id,
        year,
        {{ ordered_list('assumption_id') }} as assumption_ids
    from value_assumptions
    where value_kind = 'segment_value'
    group by geography_id, breakdown_id, segment_id, year
),

final as (
    select
        segment_values.segment_value_id,
        segment_values.geography_id,
        geographies.parent_geography_id,
        segment_values.breakdown_id,
        segment_values.segment_id,
        segment_values.year,
        {{ year_start_date('segment_values.year') }} as year_start_date,
        segment_values.value_usd,
        -- each segment's part of the sum of its geography's segments in the breakdown, added in segment
        -- order so that every rebuild gives the same bits
        100 * segment_values.value_usd / nullif(
            sum(segment_values.value_usd) over (
                partition by segment_values.geography_id, segment_values.breakdown_id, segment_values.year
                order by segment_values.segment_id
                rows between unbounded preceding and unbounded following
            ),
            0
        ) as share_pct,
        {{ yoy_growth_pct(
            'segment_values.value_usd',
            ['segment_values.geography_id', 'segment_values.breakdown_id', 'segment_values.segment_id'],
            'segment_values.year'
        ) }} as yoy_growth_pct,
        {{ yoy_growth_basis(
            'segment_values.basis',
            ['segment_values.geography_id', 'segment_values.breakdown_id', 'segment_values.segment_id'],
            'segment_values.year'
        ) }} as yoy_growth_basis,
        {{ forecast_cagr_pct(
            'segment_values.value_usd',
            ['segment_values.geography_id', 'segment_values.breakdown_id', 'segment_values.segment_id'],
            'segment_values.year'
        ) }} as forecast_cagr_pct,
        segment_values.basis,
        segment_values.method,
        assumption_lists.assumption_ids,
        segment_values.source_id
    from segment_values
    inner join geographies
        on segment_values.geography_id = geographies.geography_id
    left join assumption_lists
        on
            segment_values.geography_id = assumption_lists.geography_id
            and segment_values.breakdown_id = assumption_lists.breakdown_id
            and segment_values.segment_id = assumption_lists.segment_id
            and segment_values.year = assumption_lists.year
)

select * from final
