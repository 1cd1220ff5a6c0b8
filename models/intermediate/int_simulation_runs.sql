-- One row per run of the model: the base case (run 0, every assumption at its base value), each named
-- scenario (runs -1, -2, ... in scenario order: some assumptions at an end of their ranges) and each
-- random draw (runs 1 .. var('simulation_draws'), its run number its draw number, which keys its random
-- numbers). Every run goes through the same arithmetic (int_figures__simulated); a filter on run_id picks
-- the base case, the scenarios or the draws. Each row carries the seed of the draws (meta.build_info
-- records it with their number).
with scenarios as (
    select * from {{ ref('stg_assumptions__scenarios') }}
),

draws as (
    {{ dbt.generate_series(var('simulation_draws') | int) }}
),

base_run as (
    select
        0 as run_id,
        'base' as run_kind,
        scenario_id
    from scenarios
    where scenario_id = 'base'
),

scenario_runs as (
    select
        -cast(row_number() over (order by sort_order, scenario_id) as integer) as run_id,
        'scenario' as run_kind,
        scenario_id
    from scenarios
    where scenario_id <> 'base'
),

draw_runs as (
    select
        cast(generated_number as integer) as run_id,
        'draw' as run_kind,
        cast(null as {{ dbt.type_string() }}) as scenario_id
    from draws
),

unioned as (
    select * from base_run
    union all
    select * from scenario_runs
    union all
    select * from draw_runs
),

final as (
    select
        cast(run_id as integer) as run_id,
        run_kind,
        scenario_id,
        cast({{ var('simulation_seed') | int }} as bigint) as simulation_seed
    from unioned
)

select * from final
