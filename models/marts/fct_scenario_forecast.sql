-- One row per named scenario (dim_scenario, the base case among them) and figure: every market value of a
-- geography and year, every segment value of a geography, breakdown, segment and year, and every company
-- value, each computed in one complete run of the model with the scenario's assumptions at the ends of
-- their ranges, beside the base case's figure. A figure the report states is the same in every scenario.
-- Basis and method are those of the base case's figure (a scenario moves values, not what they rest on).
with figures as (
    select * from {{ ref('int_figures__scenarios') }}
),

market_size as (
    select * from {{ ref('fct_market_size') }}
),

segment_forecast as (
    select * from {{ ref('fct_segment_forecast') }}
),

company_share as (
    select * from {{ ref('fct_company_share') }}
),

base_figures as (
    select * from figures
    where scenario_id = 'base'
),

labels_unioned as (
    select
        'market_size' as figure_kind,
        geography_id,
        cast(null as {{ dbt.type_string() }}) as breakdown_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        year,
        basis,
        method,
        assumption_ids
    from market_size
    union all
    select
        'segment_value' as figure_kind,
        geography_id,
        breakdown_id,
        segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        year,
        basis,
        method,
        assumption_ids
    from segment_forecast
    union all
    select
        'company_value' as figure_kind,
        cast(null as {{ dbt.type_string() }}) as geography_id,
        cast(null as {{ dbt.type_string() }}) as breakdown_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        company_id,
        year,
        basis,
        method,
        assumption_ids
    from company_share
),

labels as (
    select
        {{ surrogate_key(['figure_kind', 'geography_id', 'breakdown_id', 'segment_id', 'company_id', 'year']) }}
            as figure_id,
        basis,
        method,
        assumption_ids
    from labels_unioned
),

final as (
    select
        figures.scenario_figure_id,
        figures.scenario_id,
        figures.figure_kind,
        figures.geography_id,
        figures.breakdown_id,
        figures.segment_id,
        figures.company_id,
        figures.year,
        {{ year_start_date('figures.year') }} as year_start_date,
        figures.value_usd,
        figures.share_pct,
        base_figures.value_usd as base_value_usd,
        100 * (figures.value_usd - base_figures.value_usd) / nullif(base_figures.value_usd, 0) as change_from_base_pct,
        labels.basis,
        labels.method,
        labels.assumption_ids
    from figures
    inner join base_figures
        on figures.figure_id = base_figures.figure_id
    inner join labels
        on figures.figure_id = labels.figure_id
)

select * from final
