with source as (
    select * from {{ ref('breakdowns') }}
),

renamed as (
    select
        breakdown_id,
        label_en,
        label_zh_hant,
        breakdown_kind,
        sort_order
    from source
)

select * from renamed
