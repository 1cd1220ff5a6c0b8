with companies as (
    select * from {{ ref('stg_reference__companies') }}
),

final as (
    select
        company_id,
        label_en,
        label_zh_hant,
        report_section,
        sort_order,
        is_in_report
    from companies
)

select * from final
