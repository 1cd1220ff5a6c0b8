-- Every assumption of the warehouse in one list: what it sets, its base value and range, why, and the
-- evidence it rests on. Each kind's seed adds rows here with no SQL change.
with market_growth as (
    select * from {{ ref('stg_assumptions__market_growth') }}
),

geography_shares as (
    select * from {{ ref('stg_assumptions__geography_shares') }}
),

segment_shares as (
    select * from {{ ref('stg_assumptions__segment_shares') }}
),

company_shares as (
    select * from {{ ref('stg_assumptions__company_shares') }}
),

unioned as (
    select
        assumption_id,
        'market_growth' as assumption_kind,
        geography_id,
        cast(null as {{ dbt.type_string() }}) as breakdown_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        cast(null as integer) as year,
        period_start_year,
        period_end_year,
        cagr_pct as base_value_pct,
        cagr_pct_low as low_value_pct,
        cagr_pct_high as high_value_pct,
        distribution,
        rationale,
        range_rationale,
        evidence_ids,
        source_id
    from market_growth
    union all
    select
        assumption_id,
        'geography_share' as assumption_kind,
        geography_id,
        cast(null as {{ dbt.type_string() }}) as breakdown_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        year,
        cast(null as integer) as period_start_year,
        cast(null as integer) as period_end_year,
        share_pct as base_value_pct,
        share_pct_low as low_value_pct,
        share_pct_high as high_value_pct,
        distribution,
        rationale,
        range_rationale,
        evidence_ids,
        source_id
    from geography_shares
    union all
    select
        assumption_id,
        'segment_share' as assumption_kind,
        geography_id,
        breakdown_id,
        segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        year,
        cast(null as integer) as period_start_year,
        cast(null as integer) as period_end_year,
        share_pct as base_value_pct,
        share_pct_low as low_value_pct,
        share_pct_high as high_value_pct,
        distribution,
        rationale,
        range_rationale,
        evidence_ids,
        source_id
    from segment_shares
    union all
    select
        assumption_id,
        'company_share' as assumption_kind,
        cast(null as {{ dbt.type_string() }}) as geography_id,
        cast(null as {{ dbt.type_string() }}) as breakdown_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        company_id,
        year,
        cast(null as integer) as period_start_year,
        cast(null as integer) as period_end_year,
        share_pct as base_value_pct,
        share_pct_low as low_value_pct,
        share_pct_high as high_value_pct,
        distribution,
        rationale,
        range_rationale,
        evidence_ids,
        source_id
    from company_shares
),

final as (
    select
        assumption_id,
        assumption_kind,
        geography_id,
        breakdown_id,
        segment_id,
        company_id,
        year,
        period_start_year,
        period_end_year,
        base_value_pct,
        low_value_pct,
        high_value_pct,
        distribution,
        rationale,
        range_rationale,
        evidence_ids,
        source_id,
        evidence_ids <> 'no_public_evidence' as has_public_evidence
    from unioned
)

select * from final
