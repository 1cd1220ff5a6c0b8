with source as (
    select * from {{ ref('report_cited_financials') }}
),

renamed as (
    select
        figure_id,
        source_id,
        organisation,
        metric,
        fiscal_period,
        value as value_as_stated,
        unit as unit_as_stated,
        {{ to_base_unit('value', 'unit') }} as value,
        {{ base_unit('unit') }} as unit,
        value_qualifier,
        growth_pct,
        growth_comparison,
        basis,
        note
    from source
)

select * from renamed
