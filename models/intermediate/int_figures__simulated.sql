{{ config(materialized='view') }}
-- One row per run (int_simulation_runs) and figure: every market value of a geography and year, every
-- segment value of a geography, breakdown, segment and year, and every company value of a year, with its
-- share. This is the warehouse's one implementation of its arithmetic, which the base case (run 0), the
-- scenarios (runs below 0) and the draws (runs above 0) all go through:
-- - shares linear in time between the anchor years around each year (var('anchor_years'));
-- - top down, the global market split among regions by their shares and each region among its
--   countries (and rest-of-region member), so children add up to their parent;
-- - each leaf geography's value split by its segment mix; its parent's and grandparent's (a region's and
--   the globe's) segment values summed from its leaves (never given a mix of their own), so segment
--   values add up across geographies too (the tree has three levels: the accepted values of
--   geography_level);
-- - each company's value its share of the global market.
-- A view: the draws' rows are never stored. Readers filter on run_id (the base case, the scenarios) or
-- on the year (int_figures__banded, a year at a time), and the engine computes only those rows. The runs'
-- rows are joined on small integers (int_assumptions__unioned numbers them); names are joined last.
with assumptions as (
    select * from {{ ref('int_assumptions__unioned') }}
),

sampled as (
    select * from {{ ref('int_assumptions__sampled') }}
),

market_size as (
    select * from {{ ref('int_market_size__simulated') }}
),

-- every geography the assumptions name, with its number and its parent's
geography_tree as (
    select distinct
        geography_number,
        geography_id,
        parent_geography_number,
        parent_geography_id
    from assumptions
    where assumption_kind in ('geography_share', 'segment_share')
),

geography_names as (
    select distinct
        geography_number,
        geography_id
    from geography_tree
    union
    select distinct
        parent_geography_number as geography_number,
        parent_geography_id as geography_id
    from geography_tree
),

segment_names as (
    select distinct
        segment_number,
        breakdown_id,
        segment_id
    from assumptions
    where assumption_kind = 'segment_share'
),

company_names as (
    select distinct
        company_number,
        company_id
    from assumptions
    where assumption_kind = 'company_share'
),

series as (
    select distinct
        series_number,
        assumption_kind,
        geography_number,
        parent_geography_number,
        segment_number,
        company_number
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

anchored as {{ inline_cte() }} (
    select
        sampled.run_id,
        series.assumption_kind,
        series.geography_number,
        series.parent_geography_number,
        series.segment_number,
        series.company_number,
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

shares as {{ inline_cte() }} (
    select
        anchored.run_id,
        anchored.assumption_kind,
        anchored.geography_number,
        anchored.parent_geography_number,
        anchored.segment_number,
        anchored.company_number,
        anchored.year,
        case
            when anchored.previous_anchor_year = anchored.next_anchor_year then anchored.previous_value
            else
                anchored.previous_value
                + (anchored.next_value - anchored.previous_value) * {{ anchor_position('anchored') }}
        end as share_pct
    from anchored
),

global_values as {{ inline_cte() }} (
    select
        market_size.run_id,
        geography_names.geography_number,
        market_size.year,
        market_size.value_usd
    from market_size
    inner join geography_names
        on market_size.geography_id = geography_names.geography_id
    where market_size.geography_id = 'global'
),

region_values as {{ inline_cte() }} (
    select
        shares.run_id,
        shares.geography_number,
        shares.year,
        global_values.value_usd * shares.share_pct / 100 as value_usd,
        shares.share_pct
    from shares
    inner join global_values
        on
            shares.run_id = global_values.run_id
            and shares.year = global_values.year
            and shares.parent_geography_number = global_values.geography_number
    where shares.assumption_kind = 'geography_share'
),

country_values as {{ inline_cte() }} (
    select
        shares.run_id,
        shares.geography_number,
        shares.year,
        region_values.value_usd * shares.share_pct / 100 as value_usd,
        shares.share_pct
    from shares
    inner join region_values
        on
            shares.run_id = region_values.run_id
            and shares.year = region_values.year
            and shares.parent_geography_number = region_values.geography_number
    where shares.assumption_kind = 'geography_share'
),

geography_values as {{ inline_cte() }} (
    select
        run_id,
        geography_number,
        year,
        value_usd,
        cast(null as {{ type_double() }}) as share_pct
    from global_values
    union all
    select * from region_values
    union all
    select * from country_values
),

leaf_values as {{ inline_cte() }} (
    select
        shares.run_id,
        shares.geography_number,
        shares.parent_geography_number,
        shares.segment_number,
        shares.year,
        shares.share_pct,
        geography_values.value_usd * shares.share_pct / 100 as value_usd
    from shares
    inner join geography_values
        on
            shares.run_id = geography_values.run_id
            and shares.year = geography_values.year
            and shares.geography_number = geography_values.geography_number
    where shares.assumption_kind = 'segment_share'
),

-- each leaf with its parent and its parent's parent (a region and the globe)
leaf_ancestors as (
    select
        leaves.geography_number,
        leaves.parent_geography_number as ancestor_geography_number
    from geography_tree as leaves
    union
    select
        leaves.geography_number,
        parents.parent_geography_number as ancestor_geography_number
    from geography_tree as leaves
    inner join geography_tree as parents
        on leaves.parent_geography_number = parents.geography_number
    where parents.parent_geography_number is not null
),

-- a region's and the globe's segment values: the sums of their leaves'
summed as (
    select
        leaf_values.run_id,
        leaf_ancestors.ancestor_geography_number as geography_number,
        leaf_values.segment_number,
        leaf_values.year,
        {{ exact_sum('leaf_values.value_usd') }} as value_usd
    from leaf_values
    inner join leaf_ancestors
        on leaf_values.geography_number = leaf_ancestors.geography_number
    group by
        leaf_values.run_id,
        leaf_ancestors.ancestor_geography_number,
        leaf_values.segment_number,
        leaf_values.year
),

-- a summed segment's share: its part of its geography's value (which its breakdown's segments add up to)
summed_values as (
    select
        sums.run_id,
        sums.geography_number,
        sums.segment_number,
        sums.year,
        sums.value_usd,
        100 * sums.value_usd / geography_values.value_usd as share_pct
    from summed as sums
    inner join geography_values
        on
            sums.run_id = geography_values.run_id
            and sums.year = geography_values.year
            and sums.geography_number = geography_values.geography_number
),

company_values as (
    select
        shares.run_id,
        shares.company_number,
        shares.year,
        shares.share_pct,
        global_values.value_usd * shares.share_pct / 100 as value_usd
    from shares
    inner join global_values
        on
            shares.run_id = global_values.run_id
            and shares.year = global_values.year
    where shares.assumption_kind = 'company_share' and shares.share_pct is not null
),

-- every figure, numbered: a geography's market its geography number, a segment value 1,000 + 100 x its
-- geography number + its segment number, a company value 1,000,000 + its company number
numbered as (
    select
        run_id,
        'market_size' as figure_kind,
        geography_number as figure_number,
        geography_number,
        cast(null as integer) as segment_number,
        cast(null as integer) as company_number,
        year,
        value_usd,
        share_pct
    from geography_values
    union all
    select
        run_id,
        'segment_value' as figure_kind,
        1000 + 100 * geography_number + segment_number as figure_number,
        geography_number,
        segment_number,
        cast(null as integer) as company_number,
        year,
        value_usd,
        share_pct
    from leaf_values
    union all
    select
        run_id,
        'segment_value' as figure_kind,
        1000 + 100 * geography_number + segment_number as figure_number,
        geography_number,
        segment_number,
        cast(null as integer) as company_number,
        year,
        value_usd,
        share_pct
    from summed_values
    union all
    select
        run_id,
        'company_value' as figure_kind,
        1000000 + company_number as figure_number,
        cast(null as integer) as geography_number,
        cast(null as integer) as segment_number,
        company_number,
        year,
        value_usd,
        share_pct
    from company_values
),

final as (
    select
        numbered.run_id,
        numbered.figure_kind,
        numbered.figure_number,
        geography_names.geography_id,
        segment_names.breakdown_id,
        segment_names.segment_id,
        company_names.company_id,
        numbered.year,
        numbered.value_usd,
        numbered.share_pct
    from numbered
    left join geography_names
        on numbered.geography_number = geography_names.geography_number
    left join segment_names
        on numbered.segment_number = segment_names.segment_number
    left join company_names
        on numbered.company_number = company_names.company_number
)

select * from final
