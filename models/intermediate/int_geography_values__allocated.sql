-- One row per geography and year: its value in the base case (int_figures__simulated, run 0: top down,
-- the global series split among regions by their shares and each region among its countries and
-- rest-of-region member, so children add up to their parent in every year) and what it rests on (the
-- weaker of its parent's value and its share).
with market_size as (
    select * from {{ ref('int_market_size__interpolated') }}
),

shares as (
    select * from {{ ref('int_geography_shares__interpolated') }}
),

base_figures as (
    select * from {{ ref('int_figures__scenarios') }}
    where run_id = 0 and figure_kind = 'market_size'
),

global_labels as (
    select
        geography_id,
        cast(null as {{ dbt.type_string() }}) as parent_geography_id,
        year,
        basis,
        source_id,
        method
    from market_size
    where geography_id = 'global'
),

region_labels as (
    select
        allocated.*,
        'allocated' as method
    from ({{ allocated_labels('global_labels', 'shares') }}) as allocated
),

country_labels as (
    select
        allocated.*,
        'allocated' as method
    from ({{ allocated_labels('region_labels', 'shares') }}) as allocated
),

unioned as (
    select * from global_labels
    union all
    select * from region_labels
    union all
    select * from country_labels
),

final as (
    select
        {{ surrogate_key(['unioned.geography_id', 'unioned.year']) }} as market_size_id,
        unioned.geography_id,
        unioned.parent_geography_id,
        unioned.year,
        base_figures.value_usd,
        base_figures.share_pct as share_of_parent_pct,
        unioned.basis,
        unioned.method,
        unioned.source_id
    from unioned
    inner join base_figures
        on
            unioned.geography_id = base_figures.geography_id
            and unioned.year = base_figures.year
)

select * from final
