with source as (
    select * from {{ ref('report_market_highlights') }}
),

renamed as (
    select
        highlight_id,
        breakdown_id,
        member_id,
        printed_label_en,
        basis,
        source_id
    from source
)

select * from renamed
