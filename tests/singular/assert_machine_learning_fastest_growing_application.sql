-- The report names machine learning the fastest-growing segment: globally, no other application has a
-- higher 2025-2031 CAGR, nor a higher CAGR over the whole horizon.
with segment_forecast as (
    select * from {{ ref('fct_segment_forecast') }}
),

global_applications as (
    select
        segment_id,
        max(forecast_cagr_pct) as forecast_cagr_pct,
        power(
            max(case when year = {{ var('last_year') }} then value_usd end)
            / max(case when year = {{ var('first_year') }} then value_usd end),
            1.0 / ({{ var('last_year') }} - {{ var('first_year') }})
        ) as horizon_growth_factor
    from segment_forecast
    where geography_id = 'global' and dimension_id = 'application'
    group by segment_id
),

machine_learning as (
    select * from global_applications
    where segment_id = 'machine_learning'
),

final as (
    select
        global_applications.segment_id,
        global_applications.forecast_cagr_pct,
        machine_learning.forecast_cagr_pct as machine_learning_forecast_cagr_pct
    from global_applications
    cross join machine_learning
    where
        global_applications.segment_id <> 'machine_learning'
        and (
            global_applications.forecast_cagr_pct >= machine_learning.forecast_cagr_pct
            or global_applications.horizon_growth_factor >= machine_learning.horizon_growth_factor
        )
    union all
    select
        'machine_learning' as segment_id,
        null as forecast_cagr_pct,
        null as machine_learning_forecast_cagr_pct
    where not exists (select 1 from machine_learning)
)

select * from final
