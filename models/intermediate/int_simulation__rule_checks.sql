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
-- each kind of figure read from the view on its own, so that the year of the batch and the kind reach
-- the view's arithmetic (a CTE read several times would be computed once, whole, on some engines)
with segment_figures as (
    select * from {{ ref('int_figures__simulated') }}
    where figure_kind = 'segment_value'
),

market_figures as (
    select * from {{ ref('int_figures__simulated') }}
    where figure_kind = 'market_size'
),

company_figures as (
    select * from {{ ref('int_figures__simulated') }}
    where figure_kind = 'company_value'
),

geographies as (
    select * from {{ ref('stg_reference__geographies') }}
),

reported_size as (
    select * from {{ ref('stg_report__market_size') }}
),

geography_values as {{ inline_cte() }} (
    select
        run_id,
        geography_id,
        year,
        value_usd,
        share_pct
    from market_figures
),

segment_sums as (
    select
        run_id,
        geography_id,
        breakdown_id,
        year,
        {{ exact_sum('share_pct') }} as share_sum_pct,
        {{ exact_sum('value_usd') }} as value_sum_usd
    from segment_figures
    group by run_id, geography_id, breakdown_id, year
),

child_sums as (
    select
        geography_values.run_id,
        geographies.parent_geography_id as geography_id,
        geography_values.year,
        {{ exact_sum('geography_values.share_pct') }} as share_sum_pct,
        {{ exact_sum('geography_values.value_usd') }} as value_sum_usd
    from geography_values
    inner join geographies
        on geography_values.geography_id = geographies.geography_id
    where geographies.parent_geography_id is not null
    group by geography_values.run_id, geographies.parent_geography_id, geography_values.year
),

company_sums as (
    select
        run_id,
        year,
        {{ exact_sum('share_pct') }} as share_sum_pct,
        {{ exact_sum('value_usd') }} as value_sum_usd
    from company_figures
    group by run_id, year
),

-- every sum with its two deviations, a share's from 100 and a value's from its parent's value
sum_deviations as (
    select
        'segment' as sum_kind,
        segment_sums.run_id,
        segment_sums.year,
        abs(segment_sums.share_sum_pct - 100) as share_deviation,
        abs(segment_sums.value_sum_usd - geography_values.value_usd) / geography_values.value_usd as value_deviation
    from segment_sums
    inner join geography_values
        on
            segment_sums.run_id = geography_values.run_id
            and segment_sums.geography_id = geography_values.geography_id
            and segment_sums.year = geography_values.year
    union all
    select
        'geography' as sum_kind,
        child_sums.run_id,
        child_sums.year,
        abs(child_sums.share_sum_pct - 100) as share_deviation,
        abs(child_sums.value_sum_usd - geography_values.value_usd) / geography_values.value_usd as value_deviation
    from child_sums
    inner join geography_values
        on
            child_sums.run_id = geography_values.run_id
            and child_sums.geography_id = geography_values.geography_id
            and child_sums.year = geography_values.year
    union all
    select
        'company' as sum_kind,
        company_sums.run_id,
        company_sums.year,
        abs(company_sums.share_sum_pct - 100) as share_deviation,
        abs(company_sums.value_sum_usd - geography_values.value_usd) / geography_values.value_usd as value_deviation
    from company_sums
    inner join geography_values
        on
            company_sums.run_id = geography_values.run_id
            and company_sums.year = geography_values.year
            and geography_values.geography_id = 'global'
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
    union all
    select
        'reported_market_sizes_hold' as rule_id,
        'relative' as deviation_unit,
        geography_values.run_id,
        geography_values.year,
        abs(geography_values.value_usd - reported_size.value_usd) / reported_size.value_usd as deviation
    from geography_values
    inner join reported_size
        on
            geography_values.geography_id = reported_size.geography_id
            and geography_values.year = reported_size.year
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
