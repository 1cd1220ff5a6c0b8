with companies as (
    select * from {{ ref('stg_reference__companies') }}
),

final as (
    select
        company_id,
        company_name_en,
        company_name_zh_hant,
        report_section,
        sort_order,
        is_in_report
    from companies
)

select * from final
