-- One row per named scenario, the base case among them: its names and description in both languages,
-- and how many assumptions it moves to an end of their ranges.
with scenarios as (
    select * from {{ ref('stg_assumptions__scenarios') }}
),

runs as (
    select * from {{ ref('int_simulation_runs') }}
),

matched as (
    select * from {{ ref('int_scenario_moves__matched') }}
),

move_counts as (
    select
        scenario_id,
        cast(count(*) as integer) as moved_assumption_count
    from matched
    group by scenario_id
),

final as (
    select
        scenarios.scenario_id,
        scenarios.sort_order,
        scenarios.label_en,
        scenarios.label_zh_hant,
        scenarios.description_en,
        scenarios.description_zh_hant,
        runs.run_id,
        coalesce(move_counts.moved_assumption_count, 0) as moved_assumption_count
    from scenarios
    inner join runs
        on scenarios.scenario_id = runs.scenario_id
    left join move_counts
        on scenarios.scenario_id = move_counts.scenario_id
)

select * from final
