-- Every assumption of the warehouse in one list: what it sets, in words in both languages, its base value
-- and range, why, and the evidence it rests on.
with assumptions as (
    select * from {{ ref('int_assumptions__unioned') }}
),

geographies as (
    select * from {{ ref('stg_reference__geographies') }}
),

segments as (
    select * from {{ ref('stg_reference__segments') }}
),

breakdowns as (
    select * from {{ ref('stg_reference__breakdowns') }}
),

companies as (
    select * from {{ ref('stg_reference__companies') }}
),

years as (
    select
        assumptions.*,
        {{ dbt.cast("assumptions.year", dbt.type_string()) }} as anchor_year,
        {{ dbt.cast("assumptions.period_start_year", dbt.type_string()) }} as start_year,
        {{ dbt.cast("assumptions.period_end_year", dbt.type_string()) }} as end_year
    from assumptions
),

-- what each assumption sets, as an analyst says it ("Share of Machine Learning in China by application,
-- 2031"); a growth rate names its period. The labels come from the reference seeds, joined, never spliced.
labelled as (
    select
        years.assumption_id,
        case years.assumption_kind
            when 'market_growth' then {{ dbt.concat([
                "geographies.label_en", "' market growth, '", "start_year", "'-'", "end_year"
            ]) }}
            when 'geography_share' then {{ dbt.concat([
                "'Share of '", "geographies.label_en", "' in '", "parents.label_en", "', '", "anchor_year"
            ]) }}
            when 'segment_share' then {{ dbt.concat([
                "'Share of '", "segments.label_en", "' in '", "geographies.label_en", "' '",
                "lower(breakdowns.label_en)", "', '", "anchor_year"
            ]) }}
            when 'company_share' then {{ dbt.concat([
                "'Share of '", "companies.label_en", "' in the global market, '", "anchor_year"
            ]) }}
        end as label_en,
        case years.assumption_kind
            when 'market_growth' then {{ dbt.concat([
                "geographies.label_zh_hant", "'市場成長率，'", "start_year", "'–'", "end_year", "'年'"
            ]) }}
            when 'geography_share' then {{ dbt.concat([
                "geographies.label_zh_hant", "'占'", "parents.label_zh_hant", "'比重，'", "anchor_year", "'年'"
            ]) }}
            when 'segment_share' then {{ dbt.concat([
                "geographies.label_zh_hant", "'市場'", "segments.label_zh_hant", "'占比（'",
                "breakdowns.label_zh_hant", "'），'", "anchor_year", "'年'"
            ]) }}
            when 'company_share' then {{ dbt.concat([
                "companies.label_zh_hant", "'全球市占率，'", "anchor_year", "'年'"
            ]) }}
        end as label_zh_hant
    from years
    left join geographies on years.geography_id = geographies.geography_id
    left join geographies as parents on geographies.parent_geography_id = parents.geography_id
    left join segments
        on years.breakdown_id = segments.breakdown_id and years.segment_id = segments.segment_id
    left join breakdowns on years.breakdown_id = breakdowns.breakdown_id
    left join companies on years.company_id = companies.company_id
),

final as (
    select
        assumptions.assumption_id,
        assumptions.assumption_kind,
        labelled.label_en,
        labelled.label_zh_hant,
        assumptions.geography_id,
        assumptions.breakdown_id,
        assumptions.segment_id,
        assumptions.company_id,
        assumptions.year,
        assumptions.period_start_year,
        assumptions.period_end_year,
        assumptions.base_value_pct,
        assumptions.low_value_pct,
        assumptions.high_value_pct,
        assumptions.distribution,
        assumptions.rationale,
        assumptions.range_rationale,
        assumptions.evidence_ids,
        assumptions.source_id,
        assumptions.has_public_evidence
    from assumptions
    inner join labelled on assumptions.assumption_id = labelled.assumption_id
)

select * from final
