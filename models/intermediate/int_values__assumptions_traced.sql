-- Which assumptions each value depends on: one row per value (a market value of a geography and year, a
-- segment value of a geography, breakdown, segment and year, a company's value in a year) and assumption.
-- It follows the same paths as the values: a market value before the first reported year uses the
-- assumed growth; a region's or country's value the shares of itself and of every geography above it
-- (at the anchor years around the year); a leaf's segment value its geography's and its segment mix's;
-- a region's or the globe's segment value those of every leaf below it; a company's value its share and
-- the global market's.
with market_size as (
    select * from {{ ref('int_market_size__interpolated') }}
),

geography_shares as (
    select * from {{ ref('stg_assumptions__geography_shares') }}
),

segment_shares as (
    select * from {{ ref('stg_assumptions__segment_shares') }}
),

company_shares as (
    select * from {{ ref('stg_assumptions__company_shares') }}
),

ancestry as (
    select * from {{ ref('int_geographies__ancestry') }}
),

days as (
    select * from {{ ref('int_days__spined') }}
),

years as (
    select distinct year from days
),

geography_series as (
    select distinct
        geography_shares.geography_id,
        years.year
    from geography_shares
    cross join years
),

geography_brackets as (
    {{ bracket_by_anchor_years('geography_series', 'geography_shares', ['geography_id'], 'share_pct') }}
),

-- the anchors a share is interpolated between (one anchor on an anchor year)
geography_share_assumptions as (
    select
        geography_brackets.geography_id,
        geography_brackets.year,
        geography_shares.assumption_id
    from geography_brackets
    inner join geography_shares
        on
            geography_brackets.geography_id = geography_shares.geography_id
            and geography_shares.year in (geography_brackets.previous_anchor_year, geography_brackets.next_anchor_year)
),

segment_series as (
    select distinct
        segment_shares.geography_id,
        segment_shares.breakdown_id,
        segment_shares.segment_id,
        years.year
    from segment_shares
    cross join years
),

segment_brackets as (
    {{ bracket_by_anchor_years(
        'segment_series', 'segment_shares', ['geography_id', 'breakdown_id', 'segment_id'], 'share_pct'
    ) }}
),

segment_share_assumptions as (
    select
        segment_brackets.geography_id,
        segment_brackets.breakdown_id,
        segment_brackets.segment_id,
        segment_brackets.year,
        segment_shares.assumption_id
    from segment_brackets
    inner join segment_shares
        on
            segment_brackets.geography_id = segment_shares.geography_id
            and segment_brackets.breakdown_id = segment_shares.breakdown_id
            and segment_brackets.segment_id = segment_shares.segment_id
            and segment_shares.year in (segment_brackets.previous_anchor_year, segment_brackets.next_anchor_year)
),

global_market_assumptions as (
    select
        year,
        assumption_id
    from market_size
    where geography_id = 'global' and assumption_id is not null
),

-- every geography's value: the global market's assumptions and the shares of itself and its ancestors
geography_value_assumptions as (
    select
        ancestry.geography_id,
        geography_share_assumptions.year,
        geography_share_assumptions.assumption_id
    from ancestry
    inner join geography_share_assumptions
        on ancestry.ancestor_geography_id = geography_share_assumptions.geography_id
    union all
    select
        ancestry.geography_id,
        global_market_assumptions.year,
        global_market_assumptions.assumption_id
    from ancestry
    cross join global_market_assumptions
    where ancestry.distance = 0
),

leaf_segment_value_assumptions as (
    select
        segment_series.geography_id,
        segment_series.breakdown_id,
        segment_series.segment_id,
        segment_series.year,
        geography_value_assumptions.assumption_id
    from segment_series
    inner join geography_value_assumptions
        on
            segment_series.geography_id = geography_value_assumptions.geography_id
            and segment_series.year = geography_value_assumptions.year
    union all
    select
        geography_id,
        breakdown_id,
        segment_id,
        year,
        assumption_id
    from segment_share_assumptions
),

segment_value_assumptions as (
    select distinct
        ancestry.ancestor_geography_id as geography_id,
        leaf_segment_value_assumptions.breakdown_id,
        leaf_segment_value_assumptions.segment_id,
        leaf_segment_value_assumptions.year,
        leaf_segment_value_assumptions.assumption_id
    from leaf_segment_value_assumptions
    inner join ancestry
        on leaf_segment_value_assumptions.geography_id = ancestry.geography_id
),

company_value_assumptions as (
    select
        company_id,
        year,
        assumption_id
    from company_shares
    union all
    select
        company_shares.company_id,
        company_shares.year,
        global_market_assumptions.assumption_id
    from company_shares
    inner join global_market_assumptions
        on company_shares.year = global_market_assumptions.year
),

unioned as (
    select distinct
        'market_size' as value_kind,
        geography_id,
        cast(null as {{ dbt.type_string() }}) as breakdown_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        year,
        assumption_id
    from geography_value_assumptions
    union all
    select
        'segment_value' as value_kind,
        geography_id,
        breakdown_id,
        segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        year,
        assumption_id
    from segment_value_assumptions
    union all
    select
        'company_share' as value_kind,
        cast(null as {{ dbt.type_string() }}) as geography_id,
        cast(null as {{ dbt.type_string() }}) as breakdown_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        company_id,
        year,
        assumption_id
    from company_value_assumptions
),

final as (
    select
        {{ surrogate_key([
            'value_kind', 'geography_id', 'breakdown_id', 'segment_id', 'company_id', 'year', 'assumption_id'
        ]) }} as value_assumption_id,
        value_kind,
        geography_id,
        breakdown_id,
        segment_id,
        company_id,
        year,
        assumption_id
    from unioned
)

select * from final
