{{ config(
    materialized='table_by_batch',
    batch_column='year',
    batches=range(var('first_year'), var('last_year') + 1) | list,
    pre_hook="{{ plan_without_nested_loops() }}"
) }}
-- One row per rule and year: the largest deviation from the rule over every run (the base case, the
-- scenarios and every draw), computed here, in the warehouse, for the great-expectations gate (suite
-- `simulation`) to hold and for readers to see (marts.fct_simulation_checks publishes it). Shares are in percent (deviation from 100 in points); values relative to
-- the value they must add up to; the report's stated market sizes relative to the report's figure.
with figures as {{ inline_cte() }} (
    select * from {{ ref('int_figures__simulated') }}
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
    from figures
    where figure_kind = 'market_size'
),

segment_sums as {{ inline_cte() }} (
    select
        run_id,
        geography_id,
        breakdown_id,
        year,
        {{ exact_sum('share_pct') }} as share_sum_pct,
        {{ exact_sum('value_usd') }} as value_sum_usd
    from figures
    where figure_kind = 'segment_value'
    group by run_id, geography_id, breakdown_id, year
),

child_sums as {{ inline_cte() }} (
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

company_sums as {{ inline_cte() }} (
    select
        run_id,
        year,
        {{ exact_sum('share_pct') }} as share_sum_pct,
        {{ exact_sum('value_usd') }} as value_sum_usd
    from figures
    where figure_kind = 'company_value'
    group by run_id, year
),

deviations as (
    select
        'segment_shares_sum_to_100' as rule_id,
        'percentage_points' as deviation_unit,
        run_id,
        year,
        abs(share_sum_pct - 100) as deviation
    from segment_sums
    union all
    select
        'segment_values_add_up_to_their_geography' as rule_id,
        'relative' as deviation_unit,
        segment_sums.run_id,
        segment_sums.year,
        abs(segment_sums.value_sum_usd - geography_values.value_usd) / geography_values.value_usd as deviation
    from segment_sums
    inner join geography_values
        on
            segment_sums.run_id = geography_values.run_id
            and segment_sums.geography_id = geography_values.geography_id
            and segment_sums.year = geography_values.year
    union all
    select
        'geography_shares_sum_to_100' as rule_id,
        'percentage_points' as deviation_unit,
        run_id,
        year,
        abs(share_sum_pct - 100) as deviation
    from child_sums
    union all
    select
        'geography_values_add_up_to_their_parent' as rule_id,
        'relative' as deviation_unit,
        child_sums.run_id,
        child_sums.year,
        abs(child_sums.value_sum_usd - geography_values.value_usd) / geography_values.value_usd as deviation
    from child_sums
    inner join geography_values
        on
            child_sums.run_id = geography_values.run_id
            and child_sums.geography_id = geography_values.geography_id
            and child_sums.year = geography_values.year
    union all
    select
        'company_shares_sum_to_100' as rule_id,
        'percentage_points' as deviation_unit,
        run_id,
        year,
        abs(share_sum_pct - 100) as deviation
    from company_sums
    union all
    select
        'company_values_add_up_to_the_market' as rule_id,
        'relative' as deviation_unit,
        company_sums.run_id,
        company_sums.year,
        abs(company_sums.value_sum_usd - geography_values.value_usd) / geography_values.value_usd as deviation
    from company_sums
    inner join geography_values
        on
            company_sums.run_id = geography_values.run_id
            and company_sums.year = geography_values.year
            and geography_values.geography_id = 'global'
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
