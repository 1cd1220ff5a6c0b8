with geography_values as (
    select * from {{ ref('int_geography_values__allocated') }}
),

bands as (
    select * from {{ ref('int_figures__banded') }}
    where figure_kind = 'market_size'
),

value_assumptions as (
    select * from {{ ref('int_values__assumptions_traced') }}
),

assumption_lists as (
    select
        geography_id,
        year,
        {{ ordered_list('assumption_id') }} as assumption_ids
    from value_assumptions
    where value_kind = 'market_size'
    group by geography_id, year
),

final as (
    select
        geography_values.market_size_id,
        geography_values.geography_id,
        geography_values.parent_geography_id,
        geography_values.year,
        {{ year_start_date('geography_values.year') }} as year_start_date,
        geography_values.value_usd,
        geography_values.share_of_parent_pct,
        bands.value_usd_p05,
        bands.value_usd_p50,
        bands.value_usd_p95,
        bands.share_pct_p05 as share_of_parent_pct_p05,
        bands.share_pct_p50 as share_of_parent_pct_p50,
        bands.share_pct_p95 as share_of_parent_pct_p95,
        geography_values.basis,
        geography_values.method,
        assumption_lists.assumption_ids,
        geography_values.source_id,
        {{ yoy_growth_pct(
            'geography_values.value_usd', ['geography_values.geography_id'], 'geography_values.year'
        ) }} as yoy_growth_pct,
        {{ yoy_growth_basis(
            'geography_values.basis', ['geography_values.geography_id'], 'geography_values.year'
        ) }} as yoy_growth_basis,
        {{ forecast_cagr_pct(
            'geography_values.value_usd', ['geography_values.geography_id'], 'geography_values.year'
        ) }} as forecast_cagr_pct
    from geography_values
    left join bands
        on
            geography_values.geography_id = bands.geography_id
            and geography_values.year = bands.year
    left join assumption_lists
        on
            geography_values.geography_id = assumption_lists.geography_id
            and geography_values.year = assumption_lists.year
)

select * from final
