-- One row per run and assumption series (an assumption without its year): the value each of its
-- assumptions takes in that run, one column per anchor year (var('anchor_years')) and value_pct for a
-- growth rate, which has no year. The base case takes every base value; a scenario the end of the range
-- its moves name (int_scenario_moves__matched) and the base elsewhere; a draw the quantile, under the
-- assumption's distribution, of its uniform number (macros/simulation.sql: the same on every engine,
-- fixed by var('simulation_seed')), stratified: the draws of one assumption rank by their uniform
-- numbers, and the k-th of n takes the middle of the k-th of n equal slices of (0, 1) (a Latin
-- hypercube, whose percentiles settle with far fewer draws than independent numbers' do; the ranks pair
-- the assumptions' slices at random, since every stream's numbers are independent). The shares of
-- every scenario and draw are then renormalised to 100 within their group and anchor year, the only
-- place a drawn share changes, so that every breakdown of every run sums to 100. The base case keeps
-- the seeds' shares as they are: that they sum to 100 is the seeds' rule and the gate's, which a
-- renormalised base case would hide.
{%- set slots = {'value': 'year is null'} %}
{%- for anchor_year in var('anchor_years') %}
    {%- do slots.update({'anchor_' ~ anchor_year: 'year = ' ~ anchor_year}) %}
{%- endfor %}
{%- set streams = {} %}
{%- for slot in slots %}
    {%- do streams.update({slot ~ '_random': slot ~ '_stream_id'}) %}
{%- endfor %}
with assumptions as (
    select * from {{ ref('int_assumptions__unioned') }}
),

runs as (
    select * from {{ ref('int_simulation_runs') }}
),

moves as (
    select * from {{ ref('int_scenario_moves__matched') }}
),

-- one row per series: each slot's assumption, its stream and its range
series as (
    select
        series_number,
        share_group_number,
    {%- for slot, condition in slots.items() %}
        max(case when {{ condition }} then assumption_id end) as {{ slot }}_assumption_id,
        max(case when {{ condition }} then stream_id end) as {{ slot }}_stream_id,
        max(case when {{ condition }} then distribution end) as {{ slot }}_distribution,
        max(case when {{ condition }} then low_value_pct end) as {{ slot }}_low,
        max(case when {{ condition }} then base_value_pct end) as {{ slot }}_base,
        max(case when {{ condition }} then high_value_pct end) as {{ slot }}_high
        {{- "," if not loop.last }}
    {%- endfor %}
    from assumptions
    group by series_number, share_group_number
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
        series.series_number,
    {%- for slot in slots %}
        series.{{ slot }}_stream_id
        {{- "," if not loop.last }}
    {%- endfor %}
    from draw_states
    cross join series
),

randoms as (
    {{ simulation_uniform_columns(
        'draw_cells', 'draw_state', streams, ['run_id', 'series_number'], var('simulation_seed')
    ) }}
),

-- the k-th smallest of an assumption's n random numbers becomes (k - 1/2) / n
stratified as (
    select
        run_id,
        series_number,
    {%- for slot in slots %}
        case
            when {{ slot }}_random is not null
                then (
                    cast(
                        row_number() over (partition by series_number order by {{ slot }}_random)
                        as {{ type_double() }}
                    )
                    - 0.5
                    ) / {{ var('simulation_draws') | int }}
        end as {{ slot }}_u
        {{- "," if not loop.last }}
    {%- endfor %}
    from randoms
),

uniforms as (
    select
        stratified.*,
        series.share_group_number,
    {%- for slot in slots %}
        series.{{ slot }}_distribution,
        series.{{ slot }}_low,
        series.{{ slot }}_base,
        series.{{ slot }}_high
        {{- "," if not loop.last }}
    {%- endfor %}
    from stratified
    inner join series
        on stratified.series_number = series.series_number
),

-- the standard normal quantile of each uniform number, through its tail root (the PERT quantile's input)
tail_roots as (
    select
        uniforms.*,
    {%- for slot in slots %}
        {{ normal_tail_root(slot ~ '_u') }} as {{ slot }}_t
        {{- "," if not loop.last }}
    {%- endfor %}
    from uniforms
    {{ optimizer_fence() }}
),

normals as (
    select
        tail_roots.*,
    {%- for slot in slots %}
        {{ normal_quantile_from_tail_root(slot ~ '_u', slot ~ '_t') }} as {{ slot }}_z
        {{- "," if not loop.last }}
    {%- endfor %}
    from tail_roots
    {{ optimizer_fence() }}
),

-- each range's PERT shape parameters (the PERT quantile reads each several times); none for a range of
-- zero width, whose every draw is its low end
pert_shapes as (
    select
        normals.*,
    {%- for slot in slots %}
        case
            when {{ slot }}_high > {{ slot }}_low
                then {{ pert_alpha(slot ~ '_low', slot ~ '_base', slot ~ '_high') }}
        end as {{ slot }}_alpha,
        case
            when {{ slot }}_high > {{ slot }}_low
                then {{ pert_beta(slot ~ '_low', slot ~ '_base', slot ~ '_high') }}
        end as {{ slot }}_beta
        {{- "," if not loop.last }}
    {%- endfor %}
    from normals
    {{ optimizer_fence() }}
),

drawn as (
    select
        run_id,
        series_number,
        share_group_number,
    {%- for slot in slots %}
        case
            when {{ slot }}_distribution = 'pert' and {{ slot }}_high <= {{ slot }}_low then {{ slot }}_low
            when {{ slot }}_distribution = 'pert'
                then {{ pert_quantile_from_shapes(
                    slot ~ '_z', slot ~ '_low', slot ~ '_high', slot ~ '_alpha', slot ~ '_beta'
                ) }}
            else {{ triangular_quantile(slot ~ '_u', slot ~ '_low', slot ~ '_base', slot ~ '_high') }}
        end as {{ slot }}_raw
        {{- "," if not loop.last }}
    {%- endfor %}
    from pert_shapes
),

-- the base case and the scenarios: each assumption at the end of its range a move names, else its base
fixed as (
    select
        runs.run_id,
        series.series_number,
        series.share_group_number,
    {%- for slot in slots %}
        case {{ slot }}_moves.range_end
            when 'low' then series.{{ slot }}_low
            when 'high' then series.{{ slot }}_high
            else series.{{ slot }}_base
        end as {{ slot }}_raw
        {{- "," if not loop.last }}
    {%- endfor %}
    from runs
    cross join series
    {%- for slot in slots %}
        left join moves as {{ slot }}_moves
            on
                runs.scenario_id = {{ slot }}_moves.scenario_id
                and series.{{ slot }}_assumption_id = {{ slot }}_moves.assumption_id
    {%- endfor %}
    where runs.run_kind <> 'draw'
),

unioned as (
    select * from fixed
    union all
    select * from drawn
),

-- each share over its group's total in its run and anchor year: a window, so that the drawn rows are
-- computed once. Joined to their groups' totals, Spark computed them twice, ranks and all (at 10^5 draws
-- on the cluster this model took 208 s so, 136 s as a window); DuckDB, which computed them once, takes
-- 34 s rather than 27 s, in 2.6 GB rather than 3.7.
final as (
    select
        run_id,
        series_number,
        value_raw as value_pct,
    {%- for slot in slots if slot != 'value' %}
        case
            when run_id = 0 then {{ slot }}_raw
            when share_group_number is not null
                then
                    100 * {{ slot }}_raw
                    / {{ exact_sum(slot ~ '_raw', 'partition by run_id, share_group_number') }}
        end as {{ slot }}_pct
        {{- "," if not loop.last }}
    {%- endfor %}
    from unioned
)

-- stored in run order, as the draws came: the year-by-year percentiles read a run's series together
-- (on DuckDB, stored in the ranks' order instead, the 10^5-draw percentiles took 306 s rather than 237 s)
select * from final
{{ stored_in_order('run_id, series_number') }}
