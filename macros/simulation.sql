{#- Portable random numbers and inverse CDFs for the simulation (docs/simulation.md).

    A draw's uniform number u(seed, draw_id, stream_id) in (0, 1) comes from integer arithmetic that
    DuckDB, PostgreSQL and Spark compute alike, never from an engine's random() or hash(): a keyed
    permutation of the integers modulo the prime p = 2^31 - 1 in the style of the MiMC cipher, each
    round x -> ((x + key + c_i) mod p)^5 mod p. x -> x^5 is a permutation modulo p because 5 does not
    divide p - 1; every operand is below p < 2^31, so every product stays below 2^62 and no engine
    overflows a bigint; every operand is non-negative, so `%` means the same everywhere; nothing is
    divided until the last step, one correctly rounded double division. Four rounds absorb the draw,
    four more the stream (draw_state + stream_id): a draw's first four rounds are shared by all its
    streams, so a model can compute them once per draw. The round constants are the first 31 bits of
    the fractional parts of the square roots of the first eight primes (as SHA-256 takes its own),
    constants nobody chose. draw_id and stream_id must be non-negative integers. -#}

{% macro simulation_modulus() -%}
    2147483647
{%- endmacro %}

{% macro simulation_round_constants() -%}
    {{ return([889516851, 1572067138, 506952121, 1386740381, 679946559, 1300411462, 264367317, 770729612]) }}
{%- endmacro %}

{#- A select of `keep` from `relation` with `state_expression` (a non-negative integer) run through the
    rounds of simulation_round_constants() numbered `rounds`, as the column `as_column`. The seed is a
    compile-time integer (a var); it is reduced modulo p here, so any integer will do. -#}
{% macro simulation_permute(relation, state_expression, keep, seed, rounds, as_column) -%}
    {%- set p = simulation_modulus() | int -%}
    {%- set constants = simulation_round_constants() -%}
    {%- set key = seed | int % p -%}
    {%- set columns = keep | join(', ') ~ (', ' if keep else '') -%}
    {%- set ns = namespace(sql='select ' ~ columns ~ '(cast(' ~ state_expression ~ ' as bigint) % ' ~ p ~ ') as simulation_state from ' ~ relation) -%}
    {%- for round in rounds -%}
        {%- set y = '((simulation_state + ' ~ ((key + constants[round]) % p) ~ ') % ' ~ p ~ ')' -%}
        {%- set y4 = '((((' ~ y ~ ' * ' ~ y ~ ') % ' ~ p ~ ') * ((' ~ y ~ ' * ' ~ y ~ ') % ' ~ p ~ ')) % ' ~ p ~ ')' -%}
        {%- set ns.sql = 'select ' ~ columns ~ '((' ~ y4 ~ ' * ' ~ y ~ ') % ' ~ p ~ ') as simulation_state from (' ~ ns.sql ~ ' ' ~ optimizer_fence() ~ ') as simulation_round_' ~ round -%}
    {%- endfor -%}
    select {{ columns }}simulation_state as {{ as_column }} from ({{ ns.sql }} {{ optimizer_fence() }}) as simulation_permuted
{%- endmacro %}

{#- Each row of `relation` (its `keep` columns) with `draw_state`: the draw's state after its four
    rounds, which every stream of the draw starts from. -#}
{% macro simulation_draw_states(relation, draw_column, keep, seed) -%}
    {{ simulation_permute(relation, draw_column, keep, seed, [0, 1, 2, 3], 'draw_state') }}
{%- endmacro %}

{#- Each row of `relation` (its `keep` columns) with `u`, the uniform number of its draw (given by its
    draw_state, from simulation_draw_states) and stream, in (0, 1): (x + 0.5) / p for x in 0 .. p - 1. -#}
{% macro simulation_uniforms(relation, draw_state_column, stream_column, keep, seed) -%}
    {%- set p = simulation_modulus() | int -%}
    select
        {{ keep | join(', ') ~ (',' if keep else '') }}
        (cast(stream_state as {{ type_double() }}) + 0.5) / cast({{ p }} as {{ type_double() }}) as u
    from (
        {{ simulation_permute(
            relation,
            '(' ~ draw_state_column ~ ' + (cast(' ~ stream_column ~ ' as bigint) % ' ~ p ~ '))',
            keep, seed, [4, 5, 6, 7], 'stream_state'
        ) }}
        {{ optimizer_fence() }}
    ) as simulation_streams
{%- endmacro %}

{#- Both steps at once: each row of `relation` (its `keep` columns) with `u` for its draw and stream. -#}
{% macro simulation_uniform_draws(relation, draw_column, stream_column, keep, seed) -%}
    {{ simulation_uniforms(
        '(' ~ simulation_draw_states(relation, draw_column, keep + ([] if stream_column in keep else [stream_column]), seed) ~ ') as simulation_draws',
        'draw_state', stream_column, keep, seed
    ) }}
{%- endmacro %}

{#- The u-quantile of the triangular distribution from `low` through `mode` to `high`: its inverse CDF,
    exact (only +, -, *, / and sqrt, which IEEE 754 rounds correctly on every engine). The comparison
    u < (mode - low) / (high - low) is multiplied out so that a zero-width range (low = high) gives low
    without dividing by zero. -#}
{% macro triangular_quantile(u, low, mode, high) -%}
    case
        when {{ high }} <= {{ low }} then {{ low }}
        when {{ u }} * ({{ high }} - {{ low }}) < {{ mode }} - {{ low }}
            then {{ low }} + sqrt({{ u }} * ({{ high }} - {{ low }}) * ({{ mode }} - {{ low }}))
        else {{ high }} - sqrt((1 - {{ u }}) * ({{ high }} - {{ low }}) * ({{ high }} - {{ mode }}))
    end
{%- endmacro %}

{#- The standard normal's u-quantile, Abramowitz and Stegun 26.2.23 (absolute error below 4.5e-4),
    written once for both tails through the tail probability min(u, 1 - u). -#}
{% macro normal_quantile_approx(u) -%}
    {{ normal_quantile_from_tail_root(u, normal_tail_root(u)) }}
{%- endmacro %}

{#- t = sqrt(-2 ln(min(u, 1 - u))), the variable of 26.2.23: a model computes it once as a column and
    passes the column to normal_quantile_from_tail_root. -#}
{% macro normal_tail_root(u) -%}
    sqrt(-2 * ln(least({{ u }}, 1 - {{ u }})))
{%- endmacro %}

{% macro normal_quantile_from_tail_root(u, t) -%}
    (
        case when {{ u }} < 0.5 then -1 else 1 end
        * (
            {{ t }}
            - (2.515517 + 0.802853 * {{ t }} + 0.010328 * {{ t }} * {{ t }})
            / (1 + 1.432788 * {{ t }} + 0.189269 * {{ t }} * {{ t }} + 0.001308 * {{ t }} * {{ t }} * {{ t }})
        )
    )
{%- endmacro %}

{#- The u-quantile of the PERT distribution from `low` through `mode` to `high`: low + (high - low) x,
    x the u-quantile of Beta(a, b) with a = 1 + 4 (mode - low) / (high - low) and b = 6 - a. The Beta
    quantile has no closed form: this is Abramowitz and Stegun's 26.5.22 approximation,
    x = a / (a + b exp(2w)), from the normal quantile above. It is monotone in u, needs one uniform
    number and runs on every engine from +, -, *, /, sqrt, ln and exp; its error against the exact
    quantile is at most 0.3% of the range for a mode in the middle third of the range and grows to 7%
    for a mode at an end (tests/python/test_simulation.py measures it): for a range whose base sits
    at an end, use the triangular distribution. A zero-width range gives low. -#}
{% macro pert_quantile(u, low, mode, high) -%}
    {{ pert_quantile_from_normal('(' ~ normal_quantile_approx(u) ~ ')', low, mode, high) }}
{%- endmacro %}

{#- The same from z, the standard normal's u-quantile, which a model computes once as a column (each of
    the expressions below reads it several times). -#}
{% macro pert_quantile_from_normal(z, low, mode, high) -%}
    case
        when {{ high }} <= {{ low }} then {{ low }}
        else {{ pert_quantile_from_shapes(z, low, high, pert_alpha(low, mode, high), pert_beta(low, mode, high)) }}
    end
{%- endmacro %}

{#- The PERT distribution's two shape parameters, Beta(a, b), of a range whose high is above its low: a
    model computes them once as columns and passes the columns to pert_quantile_from_shapes. -#}
{% macro pert_alpha(low, mode, high) -%}
    (1 + 4 * ({{ mode }} - {{ low }}) / ({{ high }} - {{ low }}))
{%- endmacro %}

{% macro pert_beta(low, mode, high) -%}
    (1 + 4 * ({{ high }} - {{ mode }}) / ({{ high }} - {{ low }}))
{%- endmacro %}

{#- The PERT u-quantile of a range whose high is above its low, from z (the standard normal's u-quantile)
    and the range's shape parameters a and b (pert_alpha, pert_beta). -#}
{% macro pert_quantile_from_shapes(z, low, high, a, b) -%}
    {%- set range = '(' ~ high ~ ' - ' ~ low ~ ')' -%}
    {#- A and S state 26.5.22 with the upper-tail normal quantile: the lower one of 1 - u. Its 5/6 is a
        double (Spark divides the decimal literals 5.0 / 6 to six places, off by 3e-7). -#}
    {%- set y = '(-' ~ z ~ ')' -%}
    {%- set lam = '((' ~ y ~ ' * ' ~ y ~ ' - 3) / 6)' -%}
    {%- set h = '(2 / (1 / (2 * ' ~ a ~ ' - 1) + 1 / (2 * ' ~ b ~ ' - 1)))' -%}
    {%- set w = '(' ~ y ~ ' * sqrt(' ~ h ~ ' + ' ~ lam ~ ') / ' ~ h ~ ' - (1 / (2 * ' ~ b ~ ' - 1) - 1 / (2 * ' ~ a ~ ' - 1)) * (' ~ lam ~ ' + cast(5 as ' ~ type_double() ~ ') / 6 - 2 / (3 * ' ~ h ~ ')))' -%}
    {{ low }} + {{ range }} * {{ a }} / ({{ a }} + {{ b }} * exp(2 * {{ w }}))
{%- endmacro %}

{#- Each row of `relation` (its `keep` columns) with one uniform number per stream column: `streams`
    maps an output column name to a stream column, all of the row's draw (`draw_state_column`, from
    simulation_draw_states). The streams go through the same four rounds side by side, one nested select
    per round, so a row carries all its streams through the rounds once. A null stream gives a null u. -#}
{% macro simulation_uniform_columns(relation, draw_state_column, streams, keep, seed) -%}
    {%- set p = simulation_modulus() | int -%}
    {%- set constants = simulation_round_constants() -%}
    {%- set key = seed | int % p -%}
    {%- set columns = keep | join(', ') ~ (', ' if keep else '') -%}
    {%- set names = streams.keys() | list -%}
    {%- set initial = [] -%}
    {%- for name in names -%}
        {%- do initial.append('((' ~ draw_state_column ~ ' + (cast(' ~ streams[name] ~ ' as bigint) % ' ~ p ~ ')) % ' ~ p ~ ') as ' ~ name ~ '_state') -%}
    {%- endfor -%}
    {%- set ns = namespace(sql='select ' ~ columns ~ initial | join(', ') ~ ' from ' ~ relation) -%}
    {%- for round in [4, 5, 6, 7] -%}
        {%- set stepped = [] -%}
        {%- for name in names -%}
            {%- set y = '((' ~ name ~ '_state + ' ~ ((key + constants[round]) % p) ~ ') % ' ~ p ~ ')' -%}
            {%- set y4 = '((((' ~ y ~ ' * ' ~ y ~ ') % ' ~ p ~ ') * ((' ~ y ~ ' * ' ~ y ~ ') % ' ~ p ~ ')) % ' ~ p ~ ')' -%}
            {%- do stepped.append('((' ~ y4 ~ ' * ' ~ y ~ ') % ' ~ p ~ ') as ' ~ name ~ '_state') -%}
        {%- endfor -%}
        {%- set ns.sql = 'select ' ~ columns ~ stepped | join(', ') ~ ' from (' ~ ns.sql ~ ' ' ~ optimizer_fence() ~ ') as simulation_round_' ~ round -%}
    {%- endfor -%}
    {%- set uniforms = [] -%}
    {%- for name in names -%}
        {%- do uniforms.append('(cast(' ~ name ~ '_state as ' ~ type_double() ~ ') + 0.5) / cast(' ~ p ~ ' as ' ~ type_double() ~ ') as ' ~ name) -%}
    {%- endfor -%}
    select {{ columns }}{{ uniforms | join(', ') }} from ({{ ns.sql }} {{ optimizer_fence() }}) as simulation_streams
{%- endmacro %}

{#- An assumption's random-number stream: a number in 0 .. p - 1 computed from its id's characters, so that
    it stays the same when other assumptions are added or removed (a row number would shift). Each of the
    id's first `max_length` characters (ids are checked to be shorter: seeds/_seeds.yml) is weighted by a
    power of 131 modulo p, computed here: stream_weights() is the relation of those (character_position,
    weight) pairs, and stream_of(id, weights) the sum over an id's rows joined to it (grouped by the id)
    modulo p, as a bigint (engines sum bigints into wider types); a position past the id's end weighs 0
    (the ASCII code of an empty string). Each term is below 2^39 and their sum below 2^46, so no engine
    overflows a bigint. A relation rather than one expression of 160 terms, which took sqlfluff's parser
    17 s. The streams' uniqueness is a test of int_assumptions__unioned. -#}
{% macro stream_weights(max_length=160) -%}
    {%- set p = simulation_modulus() | int -%}
    {%- set ns = namespace(weight=1, rows=[]) -%}
    {%- for position in range(1, max_length + 1) -%}
        {%- do ns.rows.append('select ' ~ position ~ ' as character_position, ' ~ ns.weight ~ ' as weight') -%}
        {%- set ns.weight = ns.weight * 131 % p -%}
    {%- endfor -%}
    {{ ns.rows | join('\n    union all\n    ') }}
{%- endmacro %}

{% macro stream_of(id_column, weights) -%}
    cast(
        sum(cast(ascii(substr({{ id_column }}, {{ weights }}.character_position, 1)) as bigint) * {{ weights }}.weight)
        % {{ simulation_modulus() }}
        as bigint
    )
{%- endmacro %}

{#- p05, p50 and p95 of `expression` over a group's rows, as one array (one aggregate state per group,
    not three), by the definition every engine documents alike: linear interpolation between the order
    statistics at 1 + (n - 1) p (DuckDB quantile_cont, PostgreSQL percentile_cont, Spark's exact
    percentile, which Spark's version below reads off the sorted values itself;
    tests/python/test_simulation.py checks each against numpy's `linear`). Read its elements with
    percentile_element(array, 1 | 2 | 3). -#}
{% macro band_percentiles(expression) -%}
    {{ return(adapter.dispatch('band_percentiles', 'accelerator_card_market')(expression)) }}
{%- endmacro %}

{% macro default__band_percentiles(expression) -%}
    quantile_cont({{ expression }}, [0.05, 0.5, 0.95])
{%- endmacro %}

{% macro postgres__band_percentiles(expression) -%}
    percentile_cont(array[0.05, 0.5, 0.95]) within group (order by {{ expression }})
{%- endmacro %}

{#- Spark's own exact `percentile` counts a group's values in a hash map of boxed numbers, which made it
    the slowest step of the simulation on a cluster. Here the group's values are collected and sorted
    once, and each percentile interpolated between the order statistics around 1 + (n - 1) p: five times
    faster on 3,839 groups of 2,000 values (19.5 s against 96.8 s on one core), the same results. A group
    whose values are all empty gets empty percentiles, as from `percentile`; the order statistic above the
    last is the last (Spark refuses an index past an array's end). -#}
{% macro spark__band_percentiles(expression) -%}
    {%- set position = '1 + (size(draws) - 1) * p' -%}
    {%- set below = 'element_at(draws, cast(floor(' ~ position ~ ') as int))' -%}
    {%- set above = 'element_at(draws, least(cast(floor(' ~ position ~ ') as int) + 1, size(draws)))' -%}
    transform(
        array(sort_array(collect_list({{ expression }}))),
        draws -> transform(
            array(0.05D, 0.5D, 0.95D),
            p -> case
                when size(draws) > 0
                    then {{ below }} + ({{ position }} - floor({{ position }})) * ({{ above }} - {{ below }})
            end
        )
    )[0]
{%- endmacro %}

{% macro percentile_element(array, position) -%}
    {{ return(adapter.dispatch('percentile_element', 'accelerator_card_market')(array, position)) }}
{%- endmacro %}

{% macro default__percentile_element(array, position) -%}
    {{ array }}[{{ position }}]
{%- endmacro %}

{% macro spark__percentile_element(array, position) -%}
    {{ array }}[{{ position - 1 }}]
{%- endmacro %}

{#- The batches the simulation's year-by-year models (materialization table_by_batch) are built in. DuckDB:
    each year of the horizon, so that it holds one year's draws at a time (within its memory limit).
    PostgreSQL computes the view's shared steps whole for each statement, whatever the batch's filter:
    batches would only repeat them, so it builds these tables in one statement (its sorts spill to disk).
    Spark: one statement up to 10^5 draws, whose shuffles (some 3 GB per 10^4 draws) fit a machine's disk,
    and whose planning (the view's plan is large: at the suite's 200 draws, 11 batches took 4.5 times
    one statement's time) would only be repeated; beyond, a year at a time, so that it shuffles one year's
    draws at once (10^6 draws in one statement would shuffle some 300 GB). -#}
{% macro simulation_batches() -%}
    {%- set years = range(var('first_year'), var('last_year') + 1) | list -%}
    {%- if target.type == 'postgres' -%}
        {{ return([]) }}
    {%- elif target.type == 'spark' -%}
        {{ return(years if var('simulation_draws') | int > 100000 else []) }}
    {%- endif -%}
    {{ return(years) }}
{%- endmacro %}
