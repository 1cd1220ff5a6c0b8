-- One row per run (int_simulation_runs) and year: the global market. Reported years keep the report's
-- figure in every run; the years between grow at the constant rate joining them; the years before the
-- first are discounted back at the run's growth rate (int_assumptions__sampled). The base case is run 0.
with bracketed as (
    select * from {{ ref('int_market_size__bracketed') }}
),

assumptions as (
    select * from {{ ref('int_assumptions__unioned') }}
),

sampled as (
    select * from {{ ref('int_assumptions__sampled') }}
),

runs as (
    select * from {{ ref('int_simulation_runs') }}
),

growth as (
    select
        sampled.run_id,
        assumptions.geography_id,
        assumptions.period_start_year,
        assumptions.period_end_year,
        sampled.value_pct as cagr_pct
    from sampled
    inner join assumptions
        on sampled.series_number = assumptions.series_number
    where assumptions.assumption_kind = 'market_growth'
),

sized as (
    select
        runs.run_id,
        bracketed.geography_id,
        bracketed.year,
        case
            when bracketed.previous_anchor_year = bracketed.year
                then bracketed.previous_value
            -- between two reported sizes: constant growth from one to the other
            when bracketed.previous_anchor_year is not null and bracketed.next_anchor_year is not null
                then
                    bracketed.previous_value
                    * power(bracketed.next_value / bracketed.previous_value, {{ anchor_position('bracketed') }})
            -- before the first reported size: discounted back at the run's growth rate
            when bracketed.previous_anchor_year is null
                then
                    bracketed.next_value
                    / power(1 + growth.cagr_pct / 100, bracketed.next_anchor_year - bracketed.year)
        end as value_usd
    from bracketed
    cross join runs
    left join growth
        on
            runs.run_id = growth.run_id
            and bracketed.geography_id = growth.geography_id
            and bracketed.year >= growth.period_start_year
            and bracketed.year < growth.period_end_year
),

final as (
    select
        run_id,
        geography_id,
        year,
        value_usd
    from sized
)

select * from final
