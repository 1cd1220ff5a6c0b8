with geographies as (
    select * from {{ ref('stg_reference__geographies') }}
),

-- a leaf is a geography that no geography names as its parent (a join rather than a correlated
-- `not exists`, which Spark 4 fails to plan in a select list)
parents as (
    select distinct parent_geography_id as geography_id
    from geographies
    where parent_geography_id is not null
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
        parents.geography_id is null as is_leaf
    from geographies
    left join parents
        on geographies.geography_id = parents.geography_id
)

select * from final
