with segments as (
    select * from {{ ref('stg_reference__segments') }}
),

breakdowns as (
    select * from {{ ref('stg_reference__breakdowns') }}
),

final as (
    select
        segments.dimension_id,
        segments.segment_id,
        breakdowns.label_en as dimension_label_en,
        breakdowns.label_zh_hant as dimension_label_zh_hant,
        segments.label_en,
        segments.label_zh_hant,
        segments.label_en_raw,
        segments.label_zh_hant_raw,
        segments.is_label_corrected,
        segments.sort_order
    from segments
    inner join breakdowns
        on segments.dimension_id = breakdowns.breakdown_id
)

select * from final
