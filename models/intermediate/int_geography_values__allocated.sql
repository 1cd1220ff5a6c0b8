-- Top down: the global series is split among regions by their shares, and each region among its
-- countries (and rest-of-region member). Children therefore add up to their parent in every year.
with market_size as (
    select * from {{ ref('int_market_size__interpolated') }}
),

shares as (
    select * from {{ ref('int_geography_shares__interpolated') }}
),

global_values as (
    select
        geography_id,
        cast(null as {{ dbt.type_string() }}) as parent_geography_id,
        year,
        value_usd,
        cast(null as {{ type_double() }}) as share_of_parent_pct,
        basis,
        source_id,
        method
    from market_size
    where geography_id = 'global'
),

region_values as (
    select
        allocated.*,
        'allocated' as method
    from ({{ allocate_by_share('global_values', 'shares') }}) as allocated
),

country_values as (
    select
        allocated.*,
        'allocated' as method
    from ({{ allocate_by_share('region_values', 'shares') }}) as allocated
),

unioned as (
    select * from global_values
    union all
    select * from region_values
    union all
    select * from country_values
),

final as (
    select
        {{ surrogate_key(['geography_id', 'year']) }} as market_size_id,
        geography_id,
        parent_geography_id,
        year,
        value_usd,
        share_of_parent_pct,
        basis,
        method,
        source_id
    from unioned
)

select * from final
