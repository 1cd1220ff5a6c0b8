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
    from (select distinct
        geography_id,
        breakdown_id,
        member_id
    from anchors) as members
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
        bracketed.geography_id,
        bracketed.breakdown_id,
        bracketed.member_id,
        bracketed.year,
        case
            when bracketed.previous_anchor_year = bracketed.next_anchor_year then bracketed.previous_value
            else
                bracketed.previous_value
                + (bracketed.next_value - bracketed.previous_value) * {{ anchor_position('bracketed') }}
        end as share_pct,
        {{ combine_basis(['previous_basis', 'next_basis']) }} as basis,
        {{ weakest_source(['previous_', 'next_']) }} as source_id
    from bracketed
)

select * from interpolated
