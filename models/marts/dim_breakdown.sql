with breakdowns as (
    select * from {{ ref('stg_reference__breakdowns') }}
),

final as (
    select
        breakdown_id,
        label_en,
        label_zh_hant,
        breakdown_kind,
        sort_order
    from breakdowns
)

select * from final
