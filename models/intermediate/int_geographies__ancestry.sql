-- Each geography paired with itself and every geography above it, so that a roll-up to any level is a
-- single join and group by. The tree has three levels (global, region, country), which the
-- accepted values of geography_level hold.
with geographies as (
    select * from {{ ref('stg_reference__geographies') }}
),

self_pairs as (
    select
        geography_id,
        geography_id as ancestor_geography_id,
        0 as distance
    from geographies
),

parent_pairs as (
    select
        geography_id,
        parent_geography_id as ancestor_geography_id,
        1 as distance
    from geographies
    where parent_geography_id is not null
),

grandparent_pairs as (
    select
        child.geography_id,
        parent.parent_geography_id as ancestor_geography_id,
        2 as distance
    from geographies as child
    inner join geographies as parent
        on child.parent_geography_id = parent.geography_id
    where parent.parent_geography_id is not null
),

unioned as (
    select * from self_pairs
    union all
    select * from parent_pairs
    union all
    select * from grandparent_pairs
),

final as (
    select
        {{ surrogate_key(['geography_id', 'ancestor_geography_id']) }} as geography_ancestor_id,
        geography_id,
        ancestor_geography_id,
        distance
    from unioned
)

select * from final
