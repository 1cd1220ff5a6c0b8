with cited as (
    select * from {{ ref('stg_report__cited_financials') }}
),

reported_size as (
    select * from {{ ref('stg_report__market_size') }}
),

reported_growth as (
    select * from {{ ref('stg_report__market_growth') }}
),

sources as (
    select * from {{ ref('stg_reference__sources') }}
),

third_party_figures as (
    select
        figure_id,
        source_id,
        organisation,
        metric,
        fiscal_period,
        value,
        unit,
        value_qualifier,
        growth_pct,
        growth_comparison,
        basis,
        note
    from cited
),

report_size_figures as (
    select
        {{ dbt.concat([
            "'market_size_'", "reported_size.geography_id", "'_'",
            dbt.safe_cast('reported_size.year', dbt.type_string()),
        ]) }} as figure_id,
        reported_size.source_id,
        sources.publisher as organisation,
        'market_size' as metric,
        {{ dbt.safe_cast('reported_size.year', dbt.type_string()) }} as fiscal_period,
        reported_size.value_usd as value,
        'USD' as unit,
        'exact' as value_qualifier,
        cast(null as {{ type_double() }}) as growth_pct,
        cast(null as {{ dbt.type_string() }}) as growth_comparison,
        reported_size.basis,
        'The report''s headline market size.' as note
    from reported_size
    inner join sources
        on reported_size.source_id = sources.source_id
),

report_growth_figures as (
    select
        {{ dbt.concat(["'market_cagr_'", "reported_growth.geography_id", "'_'",
            dbt.safe_cast('reported_growth.period_start_year', dbt.type_string()), "'_'",
            dbt.safe_cast('reported_growth.period_end_year', dbt.type_string())]) }} as figure_id,
        reported_growth.source_id,
        sources.publisher as organisation,
        'market_cagr' as metric,
        reported_growth.period_label_raw as fiscal_period,
        cast(null as {{ type_double() }}) as value,
        cast(null as {{ dbt.type_string() }}) as unit,
        cast(null as {{ dbt.type_string() }}) as value_qualifier,
        reported_growth.cagr_pct as growth_pct,
        'compound_annual' as growth_comparison,
        reported_growth.basis,
        'The report''s headline CAGR; it compounds from the 2025 base to 2031.' as note
    from reported_growth
    inner join sources
        on reported_growth.source_id = sources.source_id
),

unioned as (
    select * from third_party_figures
    union all
    select * from report_size_figures
    union all
    select * from report_growth_figures
),

-- What a figure implies: the value before the cited growth (NVIDIA's prior-year data-center revenue
-- from 26.3 bn at +154%) and the growth as a multiple. A compound rate implies neither.
final as (
    select
        figure_id,
        source_id,
        organisation,
        metric,
        fiscal_period,
        value,
        unit,
        value_qualifier,
        growth_pct,
        growth_comparison,
        basis,
        note,
        case
            when growth_comparison <> 'compound_annual'
                then value / (1 + growth_pct / 100)
        end as implied_base_value,
        case
            when growth_comparison <> 'compound_annual'
                then 1 + growth_pct / 100
        end as implied_growth_multiple,
        case
            when growth_comparison <> 'compound_annual' and growth_pct is not null then 'derived'
        end as implied_basis
    from unioned
)

select * from final
