{#- Types and expressions that differ between engines, dispatched so that models stay portable. -#}

{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'accelerator_card_market')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{% macro postgres__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#- A number rounded to `places` decimal places. PostgreSQL rounds to places only numerics, not
    double precision: there the value is cast to numeric first. -#}
{% macro round_to_places(expression, places) -%}
    {{ return(adapter.dispatch('round_to_places', 'accelerator_card_market')(expression, places)) }}
{%- endmacro %}

{% macro default__round_to_places(expression, places) -%}
    round({{ expression }}, {{ places }})
{%- endmacro %}

{% macro postgres__round_to_places(expression, places) -%}
    round(cast({{ expression }} as numeric), {{ places }})
{%- endmacro %}

{#- The date of 1 January of an integer year, for tools that need a date rather than a year
    (MetricFlow's time dimensions). Built from a string so that it runs on every engine. -#}
{% macro year_start_date(year) -%}
    {{ return(adapter.dispatch('year_start_date', 'accelerator_card_market')(year)) }}
{%- endmacro %}

{% macro default__year_start_date(year) -%}
    cast({{ dbt.concat([dbt.cast(year, dbt.type_string()), "'-01-01'"]) }} as date)
{%- endmacro %}


{#- True where the whole of expression matches the regular expression pattern (a project constant). -#}
{% macro regex_full_match(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'accelerator_card_market')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(expression, pattern) -%}
    regexp_full_match({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__regex_full_match(expression, pattern) -%}
    ({{ expression }} ~ '^(?:{{ pattern | replace("^", "", 1) | replace("$", "") }})$')
{%- endmacro %}

{#- Spark reads a backslash in a string literal as an escape (`\S` would become `S`): doubled, the
    regular expression gets it. -#}
{% macro spark__regex_full_match(expression, pattern) -%}
    ({{ expression }} rlike '^(?:{{ pattern | replace("^", "", 1) | replace("$", "") | replace("\\", "\\\\") }})$')
{%- endmacro %}

{#- `not materialized` for a common table expression read more than once: DuckDB would otherwise compute
    it once for all its readers, before any reader's filter (a year, a run) can reach it. PostgreSQL keeps
    its own choice (a CTE read more than once is computed once: inlined, a chain of them is planned as
    nested loops that recompute each other), and Spark always inlines its CTEs and has no such keyword. -#}
{% macro inline_cte() -%}
    {{ return(adapter.dispatch('inline_cte', 'accelerator_card_market')()) }}
{%- endmacro %}

{% macro default__inline_cte() -%}
    not materialized
{%- endmacro %}

{% macro spark__inline_cte() -%}
{%- endmacro %}

{% macro postgres__inline_cte() -%}
{%- endmacro %}

{#- Keeps PostgreSQL from merging a subquery into the query around it (`offset 0`). The random numbers'
    rounds read each state several times ((y * y) * (y * y) * y): merged, each round would copy the
    expression of the round below five times over, an expression growing as 5^rounds that PostgreSQL's
    planner cannot hold in memory. DuckDB and Spark evaluate each subquery's columns once as they are. -#}
{% macro optimizer_fence() -%}
    {{ return(adapter.dispatch('optimizer_fence', 'accelerator_card_market')()) }}
{%- endmacro %}

{% macro default__optimizer_fence() -%}
{%- endmacro %}

{% macro postgres__optimizer_fence() -%}
    offset 0
{%- endmacro %}

{#- The order a table's rows are stored in, where the engine keeps it and its readers gain by it (DuckDB's
    scans read row groups in order). Spark writes each task's rows to files of its own and its readers
    shuffle them anyway: ordering them there cost a sampling pass and a sort of the whole table (the
    sampled assumptions at 10^5 draws on the cluster: 136 s ordered, 99 s not; a year of percentiles
    after either, 108-120 s). -#}
{% macro stored_in_order(columns) -%}
    {{ return(adapter.dispatch('stored_in_order', 'accelerator_card_market')(columns)) }}
{%- endmacro %}

{% macro default__stored_in_order(columns) -%}
    order by {{ columns }}
{%- endmacro %}

{% macro spark__stored_in_order(columns) -%}
{%- endmacro %}

{#- A pre-hook of the models that read the simulation's view: PostgreSQL estimates one row for each of the
    view's common table expressions it computes once, and so joins their thousands of rows in nested
    loops, one row against all the others; without nested loops it hashes them, as DuckDB and Spark do.
    For this model's transaction only. -#}
{% macro plan_without_nested_loops() -%}
    {{ return(adapter.dispatch('plan_without_nested_loops', 'accelerator_card_market')()) }}
{%- endmacro %}

{% macro default__plan_without_nested_loops() -%}
{%- endmacro %}

{% macro postgres__plan_without_nested_loops() -%}
    set local enable_nestloop = off
{%- endmacro %}
