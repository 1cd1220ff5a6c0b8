with source as (
    select * from {{ ref('segments') }}
),

renamed as (
    select
        breakdown_id,
        segment_id,
        printed_label_en,
        label_en,
        printed_label_zh_hant,
        label_zh_hant,
        sort_order,
        label_en <> printed_label_en as is_label_corrected
    from source
)

select * from renamed
