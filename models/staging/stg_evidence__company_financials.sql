with source as (
    select * from {{ ref('company_financials') }}
),

renamed as (
    select
        financial_id,
        source_id,
        company_id,
        organisation,
        metric,
        fiscal_period,
        period_start_date,
        period_end_date,
        value as value_as_stated,
        unit as unit_as_stated,
        {{ to_base_unit('value', 'unit') }} as value,
        {{ base_unit('unit') }} as unit,
        value_qualifier,
        growth_pct,
        growth_comparison,
        is_verified,
        note
    from source
)

select * from renamed
