-- Reported years keep the report's figure; the years between grow at the constant rate joining them, and
-- the years before the first are discounted back at the assumed rate.
with reported_size as (
    select * from {{ ref('stg_report__market_size') }}
),

assumed_growth as (
    select * from {{ ref('stg_assumptions__market_growth') }}
),

days as (
    select * from {{ ref('int_days__spined') }}
),

years as (
    select distinct year from days
),

anchors as (
    select
        geography_id,
        year,
        value_usd,
        basis,
        source_id
    from reported_size
),

series as (
    select
        sized.geography_id,
        years.year
    from (select distinct geography_id from anchors) as sized
    cross join years
),

bracketed as (
    {{ bracket_by_anchor_years('series', 'anchors', ['geography_id'], 'value_usd') }}
),

sized as (
    select
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
            -- before the first reported size: discounted back at the assumed growth rate
            when bracketed.previous_anchor_year is null
                then
                    bracketed.next_value
                    / power(1 + assumed_growth.cagr_pct / 100, bracketed.next_anchor_year - bracketed.year)
        end as value_usd,
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
