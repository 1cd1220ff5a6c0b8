{{ config(
    materialized='table_by_batch',
    batch_column='year',
    batches=simulation_batches(),
    pre_hook="{{ plan_without_nested_loops() }}"
) }}
-- One row per figure (as int_figures__simulated): its 5th, 50th and 95th percentiles over the draws
-- (the runs above 0), of its value and of its share. Built a year at a time (the table_by_batch
-- materialization), so that the engine holds one year's draws at once; grouped by the figures' numbers,
-- their names joined to the result from the base case's figures.
with simulated as (
    select * from {{ ref('int_figures__simulated') }}
),

base_figures as (
    select * from {{ ref('int_figures__scenarios') }}
    where run_id = 0
),

banded as (
    select
        figure_number,
        year,
        count(*) as draw_count,
        {{ band_percentiles('value_usd') }} as value_band,
        {{ band_percentiles('share_pct') }} as share_band
    from simulated
    where run_id > 0
    group by figure_number, year
),

figure_names as (
    select distinct
        figure_number,
        figure_kind,
        geography_id,
        breakdown_id,
        segment_id,
        company_id
    from base_figures
),

final as (
    select
        figure_names.figure_kind,
        figure_names.geography_id,
        figure_names.breakdown_id,
        figure_names.segment_id,
        figure_names.company_id,
        banded.year,
        banded.draw_count,
        {{ percentile_element('banded.value_band', 1) }} as value_usd_p05,
        {{ percentile_element('banded.value_band', 2) }} as value_usd_p50,
        {{ percentile_element('banded.value_band', 3) }} as value_usd_p95,
        {{ percentile_element('banded.share_band', 1) }} as share_pct_p05,
        {{ percentile_element('banded.share_band', 2) }} as share_pct_p50,
        {{ percentile_element('banded.share_band', 3) }} as share_pct_p95
    from banded
    inner join figure_names
        on banded.figure_number = figure_names.figure_number
)

select * from final
