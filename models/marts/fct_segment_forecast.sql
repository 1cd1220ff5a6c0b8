with segment_values as (
    select * from {{ ref('int_segment_values__rolled_up') }}
),

geographies as (
    select * from {{ ref('stg_reference__geographies') }}
),

bands as (
    select * from {{ ref('int_figures__banded') }}
    where figure_kind = 'segment_value'
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
        segment_values.share_pct,
        bands.value_usd_p05,
        bands.value_usd_p50,
        bands.value_usd_p95,
        bands.share_pct_p05,
        bands.share_pct_p50,
        bands.share_pct_p95,
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
    left join bands
        on
            segment_values.geography_id = bands.geography_id
            and segment_values.breakdown_id = bands.breakdown_id
            and segment_values.segment_id = bands.segment_id
            and segment_values.year = bands.year
    left join assumption_lists
        on
            segment_values.geography_id = assumption_lists.geography_id
            and segment_values.breakdown_id = assumption_lists.breakdown_id
            and segment_values.segment_id = assumption_lists.segment_id
            and segment_values.year = assumption_lists.year
)

select * from final
