-- Every assumption of the warehouse in one list: what it sets, its base value and range, why, and the
-- evidence it rests on.
with assumptions as (
    select * from {{ ref('int_assumptions__unioned') }}
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
        has_public_evidence
    from assumptions
)

select * from final
