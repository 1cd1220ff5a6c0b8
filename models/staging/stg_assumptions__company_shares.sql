with source as (
    select * from {{ ref('assumed_company_shares') }}
),

renamed as (
    select
        {{ surrogate_key(['company_id', 'year']) }} as company_share_id,
        assumption_id,
        company_id,
        year,
        share_pct,
        share_pct_low,
        share_pct_high,
        distribution,
        basis,
        rationale,
        range_rationale,
        evidence_ids,
        source_id
    from source
)

select * from renamed
