with anchors as (
    select * from {{ ref('int_share_anchors__unioned') }}
),

years as (
    select * from {{ ref('int_years__spined') }}
),

series as (
    select
        members.geography_id,
        members.breakdown_id,
        members.member_id,
        years.year
    from (select distinct geography_id, breakdown_id, member_id from anchors) as members
    cross join years
),

bracketed as (
    {{ bracket_by_anchor_years('series', 'anchors', ['geography_id', 'breakdown_id', 'member_id'], 'share_pct') }}
),

-- Linear in time between anchors: each year's shares are one weighted mix of two complete breakdowns
-- that each sum to 100, so every year sums to 100 too, by construction. A year outside the anchors
-- gets no share, which the not_null test reports.
interpolated as (
    select
        geography_id,
        breakdown_id,
        member_id,
        year,
        case
            when previous_anchor_year = next_anchor_year then previous_value
            else previous_value + (next_value - previous_value) * {{ anchor_position('bracketed') }}
        end as share_pct,
        {{ combine_basis(['previous_basis', 'next_basis']) }} as basis,
        {{ weakest_source([('previous_basis', 'previous_source_id'), ('next_basis', 'next_source_id')]) }} as source_id
    from bracketed
)

select * from interpolated
