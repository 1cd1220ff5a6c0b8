with source as (
    select * from {{ ref('geographies') }}
),

renamed as (
    select
        geography_id,
        parent_geography_id,
        geography_level,
        label_en,
        label_zh_hant,
        report_section,
        iso_country_code,
        sort_order,
        is_in_report
    from source
)

select * from renamed
