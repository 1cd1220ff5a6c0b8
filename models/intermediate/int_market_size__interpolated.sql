-- One row per geography with a reported size (the globe) and year: the base case's market
-- (int_market_size__simulated, run 0) with what it rests on. Reported years keep the report's figure
-- (stated); the years between grow at the constant rate joining them (interpolated, derived); the years
-- before the first are discounted back at the assumed rate (extrapolated, assumed, naming it).
with bracketed as (
    select * from {{ ref('int_market_size__bracketed') }}
),

assumed_growth as (
    select * from {{ ref('stg_assumptions__market_growth') }}
),

simulated as (
    select * from {{ ref('int_market_size__simulated') }}
    where run_id = 0
),

sized as (
    select
        bracketed.geography_id,
        bracketed.year,
        simulated.value_usd,
        case
            when bracketed.previous_anchor_year = bracketed.year then bracketed.previous_basis
            when bracketed.previous_anchor_year is not null and bracketed.next_anchor_year is not null
                then {{ combine_basis(["'derived'", 'bracketed.previous_basis', 'bracketed.next_basis']) }}
            when bracketed.previous_anchor_year is null
                then {{ combine_basis(['assumed_growth.basis', 'bracketed.next_basis']) }}
        end as basis,
        case
            when bracketed.previous_anchor_year is null then assumed_growth.source_id
            else bracketed.previous_source_id
        end as source_id,
        case
            when bracketed.previous_anchor_year = bracketed.year then 'stated'
            when bracketed.previous_anchor_year is not null and bracketed.next_anchor_year is not null
                then 'interpolated'
            when bracketed.previous_anchor_year is null then 'extrapolated'
        end as method,
        case when bracketed.previous_anchor_year is null then assumed_growth.assumption_id end as assumption_id
    from bracketed
    inner join simulated
        on
            bracketed.geography_id = simulated.geography_id
            and bracketed.year = simulated.year
    left join assumed_growth
        on
            bracketed.geography_id = assumed_growth.geography_id
            and bracketed.year >= assumed_growth.period_start_year
            and bracketed.year < assumed_growth.period_end_year
),

final as (
    select
        {{ surrogate_key(['geography_id', 'year']) }} as market_size_id,
        geography_id,
        year,
        value_usd,
        basis,
        method,
        source_id,
        assumption_id
    from sized
)

select * from final
