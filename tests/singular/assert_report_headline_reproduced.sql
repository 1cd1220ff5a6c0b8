-- The report's headline figures, rounded as the report rounds them (USD billions to two decimals, the
-- CAGR to two decimals of a percent), come back out of the mart: every reported size and every
-- reported CAGR, recomputed from the mart's own values. Returns one row per figure that does not.
{{ config(meta={
    'seed_problem': "seeds/report/report_market_growth.csv, the rows of geography_id global, column cagr_pct: "
        ~ "the report's headline CAGR no longer reproduces, as the report rounds it, from its market sizes "
        ~ "(seeds/report/report_market_size.csv, column value)"
}) }}

with reported_size as (
    select * from {{ ref('stg_report__market_size') }}
),

reported_growth as (
    select * from {{ ref('stg_report__market_growth') }}
),

market_size as (
    select * from {{ ref('fct_market_size') }}
),

size_mismatches as (
    select
        'market_size' as figure,
        reported_size.geography_id,
        reported_size.year,
        {{ round_to_places('reported_size.value_usd / 1e9', 2) }} as reported,
        {{ round_to_places('market_size.value_usd / 1e9', 2) }} as reproduced
    from reported_size
    left join market_size
        on
            reported_size.geography_id = market_size.geography_id
            and reported_size.year = market_size.year
    where
        market_size.value_usd is null
        or {{ round_to_places('market_size.value_usd / 1e9', 2) }}
        <> {{ round_to_places('reported_size.value_usd / 1e9', 2) }}
),

growth_reproduced as (
    select
        reported_growth.geography_id,
        reported_growth.period_end_year as year,
        reported_growth.cagr_pct,
        100 * (
            power(
                period_end.value_usd / period_start.value_usd,
                1 / cast(reported_growth.period_end_year - reported_growth.period_start_year as {{ type_double() }})
            ) - 1
        ) as reproduced_cagr_pct
    from reported_growth
    left join market_size as period_start
        on
            reported_growth.geography_id = period_start.geography_id
            and reported_growth.period_start_year = period_start.year
    left join market_size as period_end
        on
            reported_growth.geography_id = period_end.geography_id
            and reported_growth.period_end_year = period_end.year
),

growth_mismatches as (
    select
        'cagr_pct' as figure,
        geography_id,
        year,
        {{ round_to_places('cagr_pct', 2) }} as reported,
        {{ round_to_places('reproduced_cagr_pct', 2) }} as reproduced
    from growth_reproduced
),

growth_failures as (
    select * from growth_mismatches
    where reproduced is null or reproduced <> reported
),

final as (
    select * from size_mismatches
    union all
    select * from growth_failures
)

select * from final
