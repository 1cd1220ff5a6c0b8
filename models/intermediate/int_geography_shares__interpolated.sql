-- Region shares of the globe and country shares of their region, linear in time between the assumed
-- anchor years (the same macro as the segment shares).
with anchors as (
    select * from {{ ref('stg_assumptions__geography_shares') }}
),

geographies as (
    select * from {{ ref('stg_reference__geographies') }}
),

days as (
    select * from {{ ref('int_days__spined') }}
),

years as (
    select distinct year from days
),

interpolated as (
    {{ interpolate_linearly('anchors', 'years', ['geography_id'], 'share_pct') }}
),

final as (
    select
        {{ surrogate_key(['interpolated.geography_id', 'interpolated.year']) }} as geography_share_id,
        interpolated.geography_id,
        geographies.parent_geography_id,
        interpolated.year,
        interpolated.share_pct,
        interpolated.basis,
        interpolated.source_id
    from interpolated
    inner join geographies
        on interpolated.geography_id = geographies.geography_id
)

select * from final
