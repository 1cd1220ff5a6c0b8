-- One row per geography below the globe and year: its share of its parent in the base case
-- (int_figures__simulated, run 0: renormalised, linear in time between the assumed anchor years) and
-- what the share rests on (the weaker of the anchors around the year).
with anchors as (
    select * from {{ ref('stg_assumptions__geography_shares') }}
),

geographies as (
    select * from {{ ref('stg_reference__geographies') }}
),

base_figures as (
    select * from {{ ref('int_figures__scenarios') }}
    where run_id = 0 and figure_kind = 'market_size'
),

days as (
    select * from {{ ref('int_days__spined') }}
),

years as (
    select distinct year from days
),

labelled as (
    {{ interpolated_labels('anchors', 'years', ['geography_id']) }}
),

final as (
    select
        {{ surrogate_key(['labelled.geography_id', 'labelled.year']) }} as geography_share_id,
        labelled.geography_id,
        geographies.parent_geography_id,
        labelled.year,
        base_figures.share_pct,
        labelled.basis,
        labelled.source_id
    from labelled
    inner join geographies
        on labelled.geography_id = geographies.geography_id
    left join base_figures
        on
            labelled.geography_id = base_figures.geography_id
            and labelled.year = base_figures.year
)

select * from final
