-- One row per figure whose base-case value lies outside its own 5-95% band (the simulation's draws do
-- not centre on the base case where the assumptions' ranges are lopsided around their base values, or
-- where renormalising a breakdown moves its shares), naming the assumption behind it: of the
-- assumptions the figure rests on (int_values__assumptions_traced), those of its own series first (its
-- segment's, geography's or company's shares), the one whose base value sits farthest from the middle of
-- its range. The build prints these; the gate (suite `bands`) requires that
-- every one names its assumption.
with market_size as (
    select * from {{ ref('fct_market_size') }}
),

segment_forecast as (
    select * from {{ ref('fct_segment_forecast') }}
),

company_share as (
    select * from {{ ref('fct_company_share') }}
),

value_assumptions as (
    select * from {{ ref('int_values__assumptions_traced') }}
),

assumptions as (
    select * from {{ ref('dim_assumption') }}
),

figures as (
    select
        'market_size' as value_kind,
        geography_id,
        cast(null as {{ dbt.type_string() }}) as breakdown_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        year,
        value_usd,
        value_usd_p05,
        value_usd_p95
    from market_size
    union all
    select
        'segment_value' as value_kind,
        geography_id,
        breakdown_id,
        segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        year,
        value_usd,
        value_usd_p05,
        value_usd_p95
    from segment_forecast
    union all
    select
        'company_share' as value_kind,
        cast(null as {{ dbt.type_string() }}) as geography_id,
        cast(null as {{ dbt.type_string() }}) as breakdown_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        company_id,
        year,
        value_usd,
        value_usd_p05,
        value_usd_p95
    from company_share
),

outside as (
    select
        *,
        case when value_usd < value_usd_p05 then 'below' else 'above' end as side
    from figures
    where value_usd < value_usd_p05 or value_usd > value_usd_p95
),

-- each outside figure's assumptions, with how far each base sits from the middle of its range (0 at the
-- middle, 0.5 at an end)
candidates as (
    select
        outside.value_kind,
        outside.geography_id,
        outside.breakdown_id,
        outside.segment_id,
        outside.company_id,
        outside.year,
        assumptions.assumption_id,
        -- the figure's own series first: its segment's shares, its geography's share, its company's share
        case
            when assumptions.segment_id = outside.segment_id then 1
            when outside.value_kind = 'market_size' and assumptions.geography_id = outside.geography_id then 1
            when assumptions.company_id = outside.company_id then 1
            else 0
        end as is_own_series,
        abs(
            (assumptions.base_value_pct - assumptions.low_value_pct)
            / nullif(assumptions.high_value_pct - assumptions.low_value_pct, 0)
            - 0.5
        ) as off_centre
    from outside
    inner join value_assumptions
        on
            outside.value_kind = value_assumptions.value_kind
            and coalesce(outside.geography_id, '') = coalesce(value_assumptions.geography_id, '')
            and coalesce(outside.breakdown_id, '') = coalesce(value_assumptions.breakdown_id, '')
            and coalesce(outside.segment_id, '') = coalesce(value_assumptions.segment_id, '')
            and coalesce(outside.company_id, '') = coalesce(value_assumptions.company_id, '')
            and outside.year = value_assumptions.year
    inner join assumptions
        on value_assumptions.assumption_id = assumptions.assumption_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by value_kind, geography_id, breakdown_id, segment_id, company_id, year
            order by is_own_series desc, off_centre desc, assumption_id asc
        ) as rank_in_figure
    from candidates
),

final as (
    select
        {{ surrogate_key(['outside.value_kind', 'outside.geography_id', 'outside.breakdown_id',
            'outside.segment_id', 'outside.company_id', 'outside.year']) }} as band_exception_id,
        outside.value_kind,
        outside.geography_id,
        outside.breakdown_id,
        outside.segment_id,
        outside.company_id,
        outside.year,
        outside.value_usd,
        outside.value_usd_p05,
        outside.value_usd_p95,
        outside.side,
        ranked.assumption_id as explaining_assumption_id,
        ranked.off_centre as explaining_off_centre
    from outside
    left join ranked
        on
            outside.value_kind = ranked.value_kind
            and coalesce(outside.geography_id, '') = coalesce(ranked.geography_id, '')
            and coalesce(outside.breakdown_id, '') = coalesce(ranked.breakdown_id, '')
            and coalesce(outside.segment_id, '') = coalesce(ranked.segment_id, '')
            and coalesce(outside.company_id, '') = coalesce(ranked.company_id, '')
            and outside.year = ranked.year
            and ranked.rank_in_figure = 1
)

select * from final
