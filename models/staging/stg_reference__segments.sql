with source as (
    select * from {{ ref('segments') }}
),

renamed as (
    select
        dimension_id,
        segment_id,
        label_en_raw,
        label_en,
        label_zh_hant_raw,
        label_zh_hant,
        sort_order,
        label_en <> label_en_raw as is_label_corrected
    from source
)

select * from renamed
