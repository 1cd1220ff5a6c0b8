with source as (
    select * from {{ ref('assumed_company_shares') }}
),

renamed as (
    select
        {{ surrogate_key(['company_id', 'year']) }} as company_share_id,
        company_id,
        year,
        share_pct,
        basis,
        rationale,
        source_id
    from source
)

select * from renamed
