with company_shares as (
    select * from {{ ref('stg_assumptions__company_shares') }}
),

market_size as (
    select * from {{ ref('int_market_size__interpolated') }}
),

base_figures as (
    select * from {{ ref('int_figures__scenarios') }}
    where run_id = 0 and figure_kind = 'company_value'
),

bands as (
    select * from {{ ref('int_figures__banded') }}
    where figure_kind = 'company_value'
),

value_assumptions as (
    select * from {{ ref('int_values__assumptions_traced') }}
),

assumption_lists as (
    select
        company_id,
        year,
        {{ ordered_list('assumption_id') }} as assumption_ids
    from value_assumptions
    where value_kind = 'company_share'
    group by company_id, year
),

final as (
    select
        {{ surrogate_key(['company_shares.company_id', 'company_shares.year']) }} as company_share_id,
        company_shares.company_id,
        company_shares.year,
        base_figures.share_pct,
        base_figures.value_usd,
        bands.value_usd_p05,
        bands.value_usd_p50,
        bands.value_usd_p95,
        bands.share_pct_p05,
        bands.share_pct_p50,
        bands.share_pct_p95,
        {{ combine_basis(['company_shares.basis', 'market_size.basis']) }} as basis,
        'allocated' as method,
        assumption_lists.assumption_ids,
        {{ weakest_source(['company_shares.', 'market_size.']) }} as source_id
    from company_shares
    inner join market_size
        on
            market_size.geography_id = 'global'
            and company_shares.year = market_size.year
    inner join base_figures
        on
            company_shares.company_id = base_figures.company_id
            and company_shares.year = base_figures.year
    left join bands
        on
            company_shares.company_id = bands.company_id
            and company_shares.year = bands.year
    left join assumption_lists
        on
            company_shares.company_id = assumption_lists.company_id
            and company_shares.year = assumption_lists.year
)

select * from final
