with source as (
    select * from {{ ref('assumed_company_shares') }}
),

renamed as (
    select
        company_id,
        year,
        share_pct,
        basis,
        rationale,
        source_id
    from source
)

select * from renamed
