-- One row per leaf geography, breakdown, segment and year: the segment's share of the leaf in the base
-- case (int_figures__simulated, run 0: renormalised, linear in time between the assumed anchor years) and
-- what the share rests on (the weaker of the anchors around the year).
with anchors as (
    select * from {{ ref('stg_assumptions__segment_shares') }}
),

base_figures as (
    select * from {{ ref('int_figures__scenarios') }}
    where run_id = 0 and figure_kind = 'segment_value'
),

days as (
    select * from {{ ref('int_days__spined') }}
),

years as (
    select distinct year from days
),

labelled as (
    {{ interpolated_labels('anchors', 'years', ['geography_id', 'breakdown_id', 'segment_id']) }}
),

final as (
    select
        {{ surrogate_key(['labelled.geography_id', 'labelled.breakdown_id', 'labelled.segment_id', 'labelled.year']) }}
            as segment_share_id,
        labelled.geography_id,
        labelled.breakdown_id,
        labelled.segment_id,
        labelled.year,
        base_figures.share_pct,
        labelled.basis,
        labelled.source_id
    from labelled
    left join base_figures
        on
            labelled.geography_id = base_figures.geography_id
            and labelled.breakdown_id = base_figures.breakdown_id
            and labelled.segment_id = base_figures.segment_id
            and labelled.year = base_figures.year
)

select * from final
