-- One row per run and assumption series (an assumption without its year): the value each of its
-- assumptions takes in that run. The base case takes every base value; a scenario the end of the range
-- its moves name (int_scenario_moves__matched) and the base elsewhere; a draw the quantile, under the
-- assumption's distribution, of its uniform number (macros/simulation.sql: the same on every engine,
-- fixed by var('simulation_seed')). Shares are then renormalised to 100 within their group in every run,
-- which is the only place a drawn share changes, so that every breakdown of every run sums to 100. Shares
-- are pivoted to one column per anchor year (var('anchor_years')), which the interpolation reads; a
-- growth rate has no year and sits in value_pct.
with assumptions as (
    select * from {{ ref('int_assumptions__unioned') }}
),

runs as (
    select * from {{ ref('int_simulation_runs') }}
),

moves as (
    select * from {{ ref('int_scenario_moves__matched') }}
),

draw_runs as (
    select run_id from runs
    where run_kind = 'draw'
),

-- a draw's first rounds, shared by all its streams
draw_states as (
    {{ simulation_draw_states('draw_runs', 'run_id', ['run_id'], var('simulation_seed')) }}
),

draw_cells as (
    select
        draw_states.run_id,
        draw_states.draw_state,
        assumptions.stream_id
    from draw_states
    cross join assumptions
),

uniforms as (
    {{ simulation_uniforms('draw_cells', 'draw_state', 'stream_id', ['run_id', 'stream_id'], var('simulation_seed')) }}
),

drawn as (
    select
        uniforms.run_id,
        assumptions.series_number,
        assumptions.share_group_number,
        assumptions.year,
        case
            when assumptions.distribution = 'pert'
                then {{ pert_quantile(
                    'uniforms.u', 'assumptions.low_value_pct', 'assumptions.base_value_pct', 'assumptions.high_value_pct'
                ) }}
            else {{ triangular_quantile(
                'uniforms.u', 'assumptions.low_value_pct', 'assumptions.base_value_pct', 'assumptions.high_value_pct'
            ) }}
        end as value_pct
    from uniforms
    inner join assumptions
        on uniforms.stream_id = assumptions.stream_id
),

-- the base case and the scenarios: each assumption at the end of its range a move names, else its base
fixed as (
    select
        runs.run_id,
        assumptions.series_number,
        assumptions.share_group_number,
        assumptions.year,
        case moves.range_end
            when 'low' then assumptions.low_value_pct
            when 'high' then assumptions.high_value_pct
            else assumptions.base_value_pct
        end as value_pct
    from runs
    cross join assumptions
    left join moves
        on
            runs.scenario_id = moves.scenario_id
            and assumptions.assumption_id = moves.assumption_id
    where runs.run_kind <> 'draw'
),

unioned as (
    select * from fixed
    union all
    select * from drawn
),

group_totals as (
    select
        run_id,
        share_group_number,
        {{ exact_sum('value_pct') }} as total_pct
    from unioned
    where share_group_number is not null
    group by run_id, share_group_number
),

renormalised as (
    select
        unioned.run_id,
        unioned.series_number,
        unioned.year,
        case
            when unioned.share_group_number is null then unioned.value_pct
            else 100 * unioned.value_pct / group_totals.total_pct
        end as value_pct
    from unioned
    left join group_totals
        on
            unioned.run_id = group_totals.run_id
            and unioned.share_group_number = group_totals.share_group_number
),

final as (
    select
        run_id,
        series_number,
        max(case when year is null then value_pct end) as value_pct,
        {%- for anchor_year in var('anchor_years') %}
        max(case when year = {{ anchor_year }} then value_pct end) as anchor_{{ anchor_year }}_pct
        {{- "," if not loop.last }}
        {%- endfor %}
    from renormalised
    group by run_id, series_number
)

select * from final
