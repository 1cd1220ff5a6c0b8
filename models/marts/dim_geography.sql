with geographies as (
    select * from {{ ref('stg_reference__geographies') }}
),

ancestry as (
    select * from {{ ref('int_geographies__ancestry') }}
),

leaves as (
    select distinct
        geography_id,
        is_leaf
    from ancestry
),

final as (
    select
        geographies.geography_id,
        geographies.parent_geography_id,
        geographies.geography_level,
        geographies.label_en,
        geographies.label_zh_hant,
        geographies.report_section,
        geographies.iso_country_code,
        geographies.sort_order,
        geographies.is_in_report,
        leaves.is_leaf
    from geographies
    inner join leaves
        on geographies.geography_id = leaves.geography_id
)

select * from final
