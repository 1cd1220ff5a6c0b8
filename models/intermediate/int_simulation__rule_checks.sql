{{ config(
    materialized='table_by_batch',
    batch_column='year',
    batches=simulation_batches(),
    pre_hook="{{ plan_without_nested_loops() }}"
) }}
-- One row per rule and year: the largest deviation from the rule over every run (the base case, the
-- scenarios and every draw), computed here, in the warehouse, for the great-expectations gate (suite
-- `simulation`) to hold and for readers to see (marts.fct_simulation_checks publishes it). Shares are in
-- percent (deviation from 100 in points); values relative to the value they must add up to; the report's
-- stated market sizes relative to the report's figure.
-- The view is read twice: every figure once, for the sums, and the market figures once more, for the
-- values the sums must equal (each read reaches the view's arithmetic with the batch's year; the
-- engines inline a view, so each read costs a pass through its arithmetic and, on Spark, its planning).
with figures as (
    select * from {{ ref('int_figures__simulated') }}
),

market_figures as (
    select * from {{ ref('int_figures__simulated') }}
    where figure_kind = 'market_size'
),

geographies as (
    select * from {{ ref('stg_reference__geographies') }}
),

reported_size as (
    select * from {{ ref('stg_report__market_size') }}
),

-- the sums each kind of figure goes into, each to equal its geography's value in the same run: a segment
-- value goes into its geography's breakdown's, a market size into its parent geography's (the children
-- of the globe and of each region), a company value into the globe's companies'; and each market size
-- is checked on its own against the report's figure, where the report states one
routes as (
    select
        'segment_value' as figure_kind,
        'segment' as sum_kind
    union all
    select
        'market_size' as figure_kind,
        'geography' as sum_kind
    union all
    select
        'market_size' as figure_kind,
        'reported' as sum_kind
    union all
    select
        'company_value' as figure_kind,
        'company' as sum_kind
),

routed as (
    select
        routes.sum_kind,
        figures.run_id,
        figures.breakdown_id,
        figures.year,
        figures.share_pct,
        figures.value_usd,
        case routes.sum_kind
            when 'geography' then geographies.parent_geography_id
            when 'company' then 'global'
            else figures.geography_id
        end as geography_id
    from figures
    inner join routes
        on figures.figure_kind = routes.figure_kind
    left join geographies
        on figures.geography_id = geographies.geography_id
    -- the globe has no parent: its market size goes into no geography's sum
    where routes.sum_kind <> 'geography' or geographies.parent_geography_id is not null
),

sums as (
    select
        sum_kind,
        run_id,
        geography_id,
        breakdown_id,
        year,
        {{ exact_sum('share_pct') }} as share_sum_pct,
        {{ exact_sum('value_usd') }} as value_sum_usd
    from routed
    group by sum_kind, run_id, geography_id, breakdown_id, year
),

-- each geography's value in each run and year, with the report's figure where it states one
targets as (
    select
        market_figures.run_id,
        market_figures.geography_id,
        market_figures.year,
        market_figures.value_usd,
        reported_size.value_usd as reported_value_usd
    from market_figures
    left join reported_size
        on
            market_figures.geography_id = reported_size.geography_id
            and market_figures.year = reported_size.year
),

-- every sum with its two deviations, a share's from 100 and a value's from its geography's value
-- (relative); a market size on its own: its value's from the report's figure (relative)
sum_deviations as (
    select
        sums.sum_kind,
        sums.run_id,
        sums.year,
        abs(sums.share_sum_pct - 100) as share_deviation,
        case
            when sums.sum_kind = 'reported'
                then abs(targets.value_usd - targets.reported_value_usd) / targets.reported_value_usd
            else abs(sums.value_sum_usd - targets.value_usd) / targets.value_usd
        end as value_deviation
    from sums
    inner join targets
        on
            sums.run_id = targets.run_id
            and sums.geography_id = targets.geography_id
            and sums.year = targets.year
    where sums.sum_kind <> 'reported' or targets.reported_value_usd is not null
),

-- the rules: each kind of sum checked for its shares and its values
rules as (
    select
        'segment' as sum_kind,
        'segment_shares_sum_to_100' as rule_id,
        'percentage_points' as deviation_unit
    union all
    select
        'segment' as sum_kind,
        'segment_values_add_up_to_their_geography' as rule_id,
        'relative' as deviation_unit
    union all
    select
        'geography' as sum_kind,
        'geography_shares_sum_to_100' as rule_id,
        'percentage_points' as deviation_unit
    union all
    select
        'geography' as sum_kind,
        'geography_values_add_up_to_their_parent' as rule_id,
        'relative' as deviation_unit
    union all
    select
        'company' as sum_kind,
        'company_shares_sum_to_100' as rule_id,
        'percentage_points' as deviation_unit
    union all
    select
        'company' as sum_kind,
        'company_values_add_up_to_the_market' as rule_id,
        'relative' as deviation_unit
    union all
    select
        'reported' as sum_kind,
        'reported_market_sizes_hold' as rule_id,
        'relative' as deviation_unit
),

deviations as (
    select
        rules.rule_id,
        rules.deviation_unit,
        sum_deviations.run_id,
        sum_deviations.year,
        case
            when rules.deviation_unit = 'percentage_points' then sum_deviations.share_deviation
            else sum_deviations.value_deviation
        end as deviation
    from sum_deviations
    inner join rules
        on sum_deviations.sum_kind = rules.sum_kind
),

final as (
    select
        {{ surrogate_key(['rule_id', 'year']) }} as rule_check_id,
        rule_id,
        year,
        deviation_unit,
        count(*) as checked_count,
        count(distinct run_id) as run_count,
        max(deviation) as max_deviation
    from deviations
    group by rule_id, year, deviation_unit
)

select * from final
