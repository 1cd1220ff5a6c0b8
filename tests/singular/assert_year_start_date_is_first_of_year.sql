-- Every fact row's year_start_date is 1 January of its year, so that the semantic layer's years are the marts' years.
with market_size as (
    select * from {{ ref('fct_market_size') }}
),

segment_forecast as (
    select * from {{ ref('fct_segment_forecast') }}
),

fact_dates as (
    select
        'fct_market_size' as model_name,
        year,
        year_start_date
    from market_size
    union all
    select
        'fct_segment_forecast' as model_name,
        year,
        year_start_date
    from segment_forecast
),

final as (
    select
        model_name,
        year,
        year_start_date
    from fact_dates
    where
        extract(year from year_start_date) <> year
        or extract(month from year_start_date) <> 1
        or extract(day from year_start_date) <> 1
)

select * from final
