{{ config(materialized='view') }}
-- One row per run (int_simulation_runs) and figure: every market value of a geography and year, every
-- segment value of a geography, breakdown, segment and year, and every company value of a year, with its
-- share. This is the warehouse's one implementation of its arithmetic, which the base case (run 0), the
-- scenarios (runs below 0) and the draws (runs above 0) all go through:
-- - shares linear in time between the anchor years around each year (var('anchor_years'));
-- - top down, the global market split among regions by their shares and each region among its
--   countries (and rest-of-region member), so children add up to their parent;
-- - each leaf geography's value split by its segment mix; regions and the globe summed from their
--   leaves (never given a mix of their own), so segment values add up across geographies too;
-- - each company's value its share of the global market.
-- A view: the draws' rows are never stored. Readers filter on run_id (the base case, the scenarios) or
-- on the year (int_figures__banded, a year at a time), and the engine computes only those rows.
with assumptions as (
    select * from {{ ref('int_assumptions__unioned') }}
),

sampled as (
    select * from {{ ref('int_assumptions__sampled') }}
),

market_size as (
    select * from {{ ref('int_market_size__simulated') }}
),

ancestry as (
    select * from {{ ref('int_geographies__ancestry') }}
),

series as (
    select distinct
        series_number,
        assumption_kind,
        geography_id,
        parent_geography_id,
        breakdown_id,
        segment_id,
        company_id
    from assumptions
    where assumption_kind <> 'market_growth'
),

-- each year of the horizon with the anchor years around it (the same anchor on an anchor year; none
-- outside the anchors, which leaves the share empty)
year_anchors as (
    {%- set anchor_years = var('anchor_years') | sort %}
    {%- for year in range(var('first_year'), var('last_year') + 1) %}
        {%- set before = anchor_years | select('le', year) | list %}
        {%- set after = anchor_years | select('ge', year) | list %}
    select
        {{ year }} as year,
        {{ before | last if before else 'cast(null as integer)' }} as previous_anchor_year,
        {{ after | first if after else 'cast(null as integer)' }} as next_anchor_year
        {{- "\n    union all" if not loop.last }}
    {%- endfor %}
),

anchored as (
    select
        sampled.run_id,
        series.series_number,
        series.assumption_kind,
        series.geography_id,
        series.parent_geography_id,
        series.breakdown_id,
        series.segment_id,
        series.company_id,
        year_anchors.year,
        year_anchors.previous_anchor_year,
        year_anchors.next_anchor_year,
        case year_anchors.previous_anchor_year
            {%- for anchor_year in var('anchor_years') %}
            when {{ anchor_year }} then sampled.anchor_{{ anchor_year }}_pct
            {%- endfor %}
        end as previous_value,
        case year_anchors.next_anchor_year
            {%- for anchor_year in var('anchor_years') %}
            when {{ anchor_year }} then sampled.anchor_{{ anchor_year }}_pct
            {%- endfor %}
        end as next_value
    from sampled
    inner join series
        on sampled.series_number = series.series_number
    cross join year_anchors
),

shares as (
    select
        run_id,
        assumption_kind,
        geography_id,
        parent_geography_id,
        breakdown_id,
        segment_id,
        company_id,
        year,
        case
            when previous_anchor_year = next_anchor_year then previous_value
            else previous_value + (next_value - previous_value) * {{ anchor_position('anchored') }}
        end as share_pct
    from anchored
),

global_values as (
    select
        run_id,
        geography_id,
        year,
        value_usd
    from market_size
    where geography_id = 'global'
),

region_values as (
    select
        shares.run_id,
        shares.geography_id,
        shares.year,
        global_values.value_usd * shares.share_pct / 100 as value_usd,
        shares.share_pct
    from shares
    inner join global_values
        on
            shares.run_id = global_values.run_id
            and shares.parent_geography_id = global_values.geography_id
            and shares.year = global_values.year
    where shares.assumption_kind = 'geography_share'
),

country_values as (
    select
        shares.run_id,
        shares.geography_id,
        shares.year,
        region_values.value_usd * shares.share_pct / 100 as value_usd,
        shares.share_pct
    from shares
    inner join region_values
        on
            shares.run_id = region_values.run_id
            and shares.parent_geography_id = region_values.geography_id
            and shares.year = region_values.year
    where shares.assumption_kind = 'geography_share'
),

geography_values as (
    select
        run_id,
        geography_id,
        year,
        value_usd,
        cast(null as {{ type_double() }}) as share_pct
    from global_values
    union all
    select * from region_values
    union all
    select * from country_values
),

leaf_values as (
    select
        shares.run_id,
        shares.geography_id,
        shares.breakdown_id,
        shares.segment_id,
        shares.year,
        geography_values.value_usd * shares.share_pct / 100 as value_usd,
        shares.share_pct
    from shares
    inner join geography_values
        on
            shares.run_id = geography_values.run_id
            and shares.geography_id = geography_values.geography_id
            and shares.year = geography_values.year
    where shares.assumption_kind = 'segment_share'
),

-- every region's and the globe's segment values: the sums of their leaves'
summed_values as (
    select
        leaf_values.run_id,
        ancestry.ancestor_geography_id as geography_id,
        leaf_values.breakdown_id,
        leaf_values.segment_id,
        leaf_values.year,
        {{ exact_sum('leaf_values.value_usd') }} as value_usd
    from leaf_values
    inner join ancestry
        on leaf_values.geography_id = ancestry.geography_id
    where ancestry.distance > 0
    group by
        leaf_values.run_id,
        ancestry.ancestor_geography_id,
        leaf_values.breakdown_id,
        leaf_values.segment_id,
        leaf_values.year
),

-- a summed segment's share: its part of its geography's value (which its breakdown's segments add up to)
summed_shares as (
    select
        summed_values.run_id,
        summed_values.geography_id,
        summed_values.breakdown_id,
        summed_values.segment_id,
        summed_values.year,
        summed_values.value_usd,
        100 * summed_values.value_usd / geography_values.value_usd as share_pct
    from summed_values
    inner join geography_values
        on
            summed_values.run_id = geography_values.run_id
            and summed_values.geography_id = geography_values.geography_id
            and summed_values.year = geography_values.year
),

company_values as (
    select
        shares.run_id,
        shares.company_id,
        shares.year,
        global_values.value_usd * shares.share_pct / 100 as value_usd,
        shares.share_pct
    from shares
    inner join global_values
        on
            shares.run_id = global_values.run_id
            and shares.year = global_values.year
    where shares.assumption_kind = 'company_share' and shares.share_pct is not null
),

unioned as (
    select
        run_id,
        'market_size' as figure_kind,
        geography_id,
        cast(null as {{ dbt.type_string() }}) as breakdown_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        year,
        value_usd,
        share_pct
    from geography_values
    union all
    select
        run_id,
        'segment_value' as figure_kind,
        geography_id,
        breakdown_id,
        segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        year,
        value_usd,
        share_pct
    from leaf_values
    union all
    select
        run_id,
        'segment_value' as figure_kind,
        geography_id,
        breakdown_id,
        segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        year,
        value_usd,
        share_pct
    from summed_shares
    union all
    select
        run_id,
        'company_value' as figure_kind,
        cast(null as {{ dbt.type_string() }}) as geography_id,
        cast(null as {{ dbt.type_string() }}) as breakdown_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        company_id,
        year,
        value_usd,
        share_pct
    from company_values
)

select * from unioned
