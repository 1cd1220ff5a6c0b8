-- The segment the report names fastest-growing has, globally, the highest 2025-2031 CAGR of its
-- dimension and the highest growth over the whole horizon.
with segment_forecast as (
    select * from {{ ref('fct_segment_forecast') }}
),

highlights as (
    select * from {{ ref('stg_report__market_highlights') }}
),

named_segment as (
    select
        breakdown_id,
        member_id as segment_id
    from highlights
    where highlight_id = 'fastest_growing_segment'
),

global_segments as (
    select
        segment_forecast.segment_id,
        max(segment_forecast.forecast_cagr_pct) as forecast_cagr_pct,
        power(
            max(case when segment_forecast.year = {{ var('last_year') }} then segment_forecast.value_usd end)
            / max(case when segment_forecast.year = {{ var('first_year') }} then segment_forecast.value_usd end),
            1 / cast({{ var('last_year') - var('first_year') }} as {{ type_double() }})
        ) as horizon_growth_factor
    from segment_forecast
    inner join named_segment
        on segment_forecast.breakdown_id = named_segment.breakdown_id
    where segment_forecast.geography_id = 'global'
    group by segment_forecast.segment_id
),

named as (
    select global_segments.*
    from global_segments
    inner join named_segment
        on global_segments.segment_id = named_segment.segment_id
),

faster_rivals as (
    select
        global_segments.segment_id,
        global_segments.forecast_cagr_pct,
        named.forecast_cagr_pct as named_forecast_cagr_pct
    from global_segments
    cross join named
    where
        global_segments.segment_id <> named.segment_id
        and (
            global_segments.forecast_cagr_pct >= named.forecast_cagr_pct
            or global_segments.horizon_growth_factor >= named.horizon_growth_factor
        )
),

named_missing as (
    select
        'named segment has no forecast' as segment_id,
        cast(null as {{ type_double() }}) as forecast_cagr_pct,
        cast(null as {{ type_double() }}) as named_forecast_cagr_pct
    where not exists (select 1 from named)
),

final as (
    select * from faster_rivals
    union all
    select * from named_missing
)

select * from final
