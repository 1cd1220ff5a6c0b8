with source as (
    select * from {{ ref('report_sections') }}
),

renamed as (
    select
        section,
        geography_id,
        breakdown_id,
        sort_order
    from source
)

select * from renamed
