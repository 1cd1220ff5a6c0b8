with source as (
    select * from {{ ref('scenarios') }}
),

renamed as (
    select
        scenario_id,
        sort_order,
        label_en,
        label_zh_hant,
        description_en,
        description_zh_hant
    from source
)

select * from renamed
