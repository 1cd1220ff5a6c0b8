{{ config(
    materialized='table_by_batch',
    batch_column='year',
    batches=range(var('first_year'), var('last_year') + 1) | list
) }}
-- One row per figure (as int_figures__simulated): its 5th, 50th and 95th percentiles over the draws
-- (the runs above 0), of its value and of its share. Built a year at a time (the table_by_batch
-- materialization), so that the engine holds one year's draws at once.
with draws as (
    select * from {{ ref('int_figures__simulated') }}
    where run_id > 0
),

banded as (
    select
        figure_kind,
        geography_id,
        breakdown_id,
        segment_id,
        company_id,
        year,
        count(*) as draw_count,
        {{ band_percentiles('value_usd') }} as value_band,
        {{ band_percentiles('share_pct') }} as share_band
    from draws
    group by figure_kind, geography_id, breakdown_id, segment_id, company_id, year
),

final as (
    select
        figure_kind,
        geography_id,
        breakdown_id,
        segment_id,
        company_id,
        year,
        draw_count,
        {{ percentile_element('value_band', 1) }} as value_usd_p05,
        {{ percentile_element('value_band', 2) }} as value_usd_p50,
        {{ percentile_element('value_band', 3) }} as value_usd_p95,
        {{ percentile_element('share_band', 1) }} as share_pct_p05,
        {{ percentile_element('share_band', 2) }} as share_pct_p50,
        {{ percentile_element('share_band', 3) }} as share_pct_p95
    from banded
)

select * from final
