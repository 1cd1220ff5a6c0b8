with source as (
    select * from {{ ref('companies') }}
),

renamed as (
    select
        company_id,
        label_en,
        label_zh_hant,
        report_section,
        sort_order,
        is_in_report
    from source
)

select * from renamed
