{{ config(pre_hook="{{ plan_without_nested_loops() }}") }}
-- One row per figure (as int_figures__simulated) in the base case and in each named scenario: the runs
-- at or below 0, named. The base marts read scenario `base`; fct_scenario_forecast reads them all.
with simulated as (
    select * from {{ ref('int_figures__simulated') }}
    where run_id <= 0
),

runs as (
    select * from {{ ref('int_simulation_runs') }}
),

final as (
    select
        {{ surrogate_key([
            'runs.scenario_id', 'simulated.figure_kind', 'simulated.geography_id', 'simulated.breakdown_id',
            'simulated.segment_id', 'simulated.company_id', 'simulated.year'
        ]) }} as scenario_figure_id,
        {{ surrogate_key([
            'simulated.figure_kind', 'simulated.geography_id', 'simulated.breakdown_id', 'simulated.segment_id',
            'simulated.company_id', 'simulated.year'
        ]) }} as figure_id,
        runs.scenario_id,
        simulated.run_id,
        simulated.figure_kind,
        simulated.figure_number,
        simulated.geography_id,
        simulated.breakdown_id,
        simulated.segment_id,
        simulated.company_id,
        simulated.year,
        simulated.value_usd,
        simulated.share_pct
    from simulated
    inner join runs
        on simulated.run_id = runs.run_id
)

select * from final
