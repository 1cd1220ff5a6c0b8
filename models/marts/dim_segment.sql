with segments as (
    select * from {{ ref('stg_reference__segments') }}
),

breakdowns as (
    select * from {{ ref('dim_breakdown') }}
),

final as (
    select
        segments.breakdown_id,
        segments.segment_id,
        breakdowns.label_en as breakdown_label_en,
        breakdowns.label_zh_hant as breakdown_label_zh_hant,
        segments.label_en,
        segments.label_zh_hant,
        segments.printed_label_en,
        segments.printed_label_zh_hant,
        segments.is_label_corrected,
        segments.sort_order
    from segments
    inner join breakdowns
        on segments.breakdown_id = breakdowns.breakdown_id
)

select * from final
