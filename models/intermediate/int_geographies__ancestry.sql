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

-- a leaf is a geography that no geography names as its parent (a join rather than a correlated
-- `not exists`, which Spark 4 fails to plan in a select list)
parents as (
    select distinct parent_geography_id as geography_id
    from geographies
    where parent_geography_id is not null
),

final as (
    select
        {{ surrogate_key(['unioned.geography_id', 'unioned.ancestor_geography_id']) }} as geography_ancestor_id,
        unioned.geography_id,
        unioned.ancestor_geography_id,
        unioned.distance,
        parents.geography_id is null as is_leaf
    from unioned
    left join parents
        on unioned.geography_id = parents.geography_id
)

select * from final
