with segment_values as (
    select * from {{ ref('int_segment_values__rolled_up') }}
),

geographies as (
    select * from {{ ref('stg_reference__geographies') }}
),

with_growth as (
    select
        segment_values.geography_id,
        geographies.parent_geography_id,
        segment_values.breakdown_id,
        segment_values.segment_id,
        segment_values.year,
        segment_values.value_usd,
        segment_values.share_pct,
        100 * (
            segment_values.value_usd / nullif(lag(segment_values.value_usd) over (
                partition by segment_values.geography_id, segment_values.breakdown_id, segment_values.segment_id
                order by segment_values.year
            ), 0)
            - 1
        ) as yoy_growth_pct,
        max(case when segment_values.year = {{ var('forecast_base_year') }} then segment_values.value_usd end) over (
            partition by segment_values.geography_id, segment_values.breakdown_id, segment_values.segment_id
        ) as base_year_value_usd,
        max(case when segment_values.year = {{ var('last_year') }} then segment_values.value_usd end) over (
            partition by segment_values.geography_id, segment_values.breakdown_id, segment_values.segment_id
        ) as last_year_value_usd,
        segment_values.basis,
        segment_values.source_id
    from segment_values
    inner join geographies
        on segment_values.geography_id = geographies.geography_id
),

final as (
    select
        geography_id,
        parent_geography_id,
        breakdown_id,
        segment_id,
        year,
        {{ year_start_date('year') }} as year_start_date,
        value_usd,
        share_pct,
        yoy_growth_pct,
        100 * (
            power(
                last_year_value_usd / nullif(base_year_value_usd, 0),
                1 / cast({{ var('last_year') - var('forecast_base_year') }} as {{ type_double() }})
            )
            - 1
        ) as forecast_cagr_pct,
        basis,
        source_id
    from with_growth
)

select * from final
