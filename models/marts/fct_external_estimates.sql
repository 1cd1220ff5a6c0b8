with estimates as (
    select * from {{ ref('stg_evidence__market_estimates') }}
),

growth as (
    select * from {{ ref('stg_evidence__market_growth') }}
),

report_size as (
    select * from {{ ref('stg_report__market_size') }}
),

sources as (
    select * from {{ ref('stg_reference__sources') }}
),

days as (
    select * from {{ ref('int_days__spined') }}
),

axis as (
    select distinct year from days
),

-- Every stated point, the report's own reported sizes among them as one more publisher's.
points as (
    select
        source_id,
        market_name,
        scope_class,
        geography,
        breakdown,
        member,
        period_label,
        year,
        value_usd,
        value_qualifier,
        false as is_report
    from estimates
    union all
    select
        report_size.source_id,
        sources.title as market_name,
        '{{ var("report_scope_class") }}' as scope_class,
        report_size.geography_id as geography,
        'total' as breakdown,
        cast(null as {{ dbt.type_string() }}) as member,
        cast(null as {{ dbt.type_string() }}) as period_label,
        report_size.year,
        report_size.value_usd,
        'exact' as value_qualifier,
        true as is_report
    from report_size
    inner join sources
        on report_size.source_id = sources.source_id
),

-- A path: one publisher's market (scope, geography, slice and part of the year) over the years.
keyed_points as (
    select
        {{ surrogate_key([
            'source_id', 'market_name', 'scope_class', 'geography', 'breakdown', 'member', 'period_label'
        ]) }} as estimate_path_id,
        points.*
    from points
),

-- The publisher's own compound rate for a whole-year total of the same scope and geography (the latest
-- period where it states several).
path_growth as (
    select
        keyed.estimate_path_id,
        growth.growth_pct as publisher_cagr_pct,
        row_number() over (
            partition by keyed.estimate_path_id
            order by growth.period_end_year desc, growth.growth_id asc
        ) as growth_rank
    from (
        select distinct
            estimate_path_id,
            source_id,
            scope_class,
            geography
        from keyed_points
        where breakdown = 'total' and period_label is null and not is_report
    ) as keyed
    inner join growth
        on
            keyed.source_id = growth.source_id
            and keyed.scope_class = growth.scope_class
            and keyed.geography = growth.geography
            and growth.growth_kind = 'cagr'
),

paths as (
    select distinct
        keyed_points.estimate_path_id,
        keyed_points.source_id,
        keyed_points.market_name,
        keyed_points.scope_class,
        keyed_points.geography,
        keyed_points.breakdown,
        keyed_points.member,
        keyed_points.period_label,
        keyed_points.is_report,
        path_growth.publisher_cagr_pct
    from keyed_points
    left join path_growth
        on
            keyed_points.estimate_path_id = path_growth.estimate_path_id
            and path_growth.growth_rank = 1
),

stated as (
    select
        keyed_points.estimate_path_id,
        keyed_points.year,
        keyed_points.value_usd,
        keyed_points.value_qualifier,
        'reported' as basis,
        'stated' as method,
        keyed_points.year as anchor_year
    from keyed_points
    inner join axis
        on keyed_points.year = axis.year
),

-- The years of the axis a path with a stated rate does not state, from its last stated point before
-- them (never backwards from a later one): between two stated points or beyond the last.
unstated_years as (
    select
        paths.estimate_path_id,
        axis.year,
        paths.publisher_cagr_pct
    from paths
    cross join axis
    where
        paths.publisher_cagr_pct is not null
        and not exists (
            select 1 from keyed_points
            where
                keyed_points.estimate_path_id = paths.estimate_path_id
                and keyed_points.year = axis.year
        )
),

anchored as (
    select
        unstated_years.estimate_path_id,
        unstated_years.year,
        unstated_years.publisher_cagr_pct,
        keyed_points.year as anchor_year,
        keyed_points.value_usd as anchor_value_usd,
        keyed_points.value_qualifier,
        max(later.year) as last_stated_year,
        row_number() over (
            partition by unstated_years.estimate_path_id, unstated_years.year
            order by keyed_points.year desc
        ) as anchor_rank
    from unstated_years
    inner join keyed_points
        on
            unstated_years.estimate_path_id = keyed_points.estimate_path_id
            and unstated_years.year > keyed_points.year
    inner join keyed_points as later
        on unstated_years.estimate_path_id = later.estimate_path_id
    group by
        unstated_years.estimate_path_id,
        unstated_years.year,
        unstated_years.publisher_cagr_pct,
        keyed_points.year,
        keyed_points.value_usd,
        keyed_points.value_qualifier
),

derived as (
    select
        estimate_path_id,
        year,
        anchor_value_usd * power(1 + publisher_cagr_pct / 100, year - anchor_year) as value_usd,
        value_qualifier,
        'derived' as basis,
        case
            when last_stated_year > year then 'interpolated_at_publisher_cagr'
            else 'extrapolated_at_publisher_cagr'
        end as method,
        anchor_year
    from anchored
    where anchor_rank = 1
),

path_years as (
    select * from stated
    union all
    select * from derived
),

final as (
    select
        {{ surrogate_key(['path_years.estimate_path_id', 'path_years.year']) }} as external_estimate_id,
        path_years.estimate_path_id,
        paths.source_id,
        sources.publisher,
        paths.market_name,
        paths.scope_class,
        paths.geography,
        paths.breakdown,
        paths.member,
        paths.period_label,
        path_years.year,
        path_years.value_usd,
        path_years.value_qualifier,
        path_years.basis,
        path_years.method,
        path_years.anchor_year,
        paths.publisher_cagr_pct,
        paths.is_report,
        sources.url
    from path_years
    inner join paths
        on path_years.estimate_path_id = paths.estimate_path_id
    inner join sources
        on paths.source_id = sources.source_id
)

select * from final
