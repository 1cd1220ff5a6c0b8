-- Every quantitative table of the report, found by its section number. The table of contents seed
-- says which geography and breakdown each section shows; the rows come from the facts, so a new
-- section is a new seed row, not new SQL.
with sections as (
    select * from {{ ref('stg_reference__report_sections') }}
),

breakdowns as (
    select * from {{ ref('dim_breakdown') }}
),

geographies as (
    select * from {{ ref('dim_geography') }}
),

segments as (
    select * from {{ ref('dim_segment') }}
),

companies as (
    select * from {{ ref('dim_company') }}
),

market_size as (
    select * from {{ ref('fct_market_size') }}
),

segment_forecast as (
    select * from {{ ref('fct_segment_forecast') }}
),

company_share as (
    select * from {{ ref('fct_company_share') }}
),

-- every member a table can list, with its labels: one join finds any row's member whatever its kind
members as (
    select
        'segment' as member_kind,
        segment_id as member_id,
        label_en as member_label_en,
        label_zh_hant as member_label_zh_hant,
        sort_order as member_sort_order
    from segments
    union all
    select
        'geography' as member_kind,
        geography_id as member_id,
        label_en as member_label_en,
        label_zh_hant as member_label_zh_hant,
        sort_order as member_sort_order
    from geographies
    union all
    select
        'company' as member_kind,
        company_id as member_id,
        label_en as member_label_en,
        label_zh_hant as member_label_zh_hant,
        sort_order as member_sort_order
    from companies
),

value_rows as (
    select
        sections.section,
        sections.sort_order as section_sort_order,
        sections.geography_id,
        sections.breakdown_id,
        'total' as member_kind,
        cast(null as {{ dbt.type_string() }}) as member_id,
        market_size.year,
        market_size.value_usd,
        cast(null as {{ type_double() }}) as share_pct,
        market_size.value_usd_p05,
        market_size.value_usd_p50,
        market_size.value_usd_p95,
        cast(null as {{ type_double() }}) as share_pct_p05,
        cast(null as {{ type_double() }}) as share_pct_p50,
        cast(null as {{ type_double() }}) as share_pct_p95,
        market_size.basis,
        market_size.method,
        market_size.assumption_ids,
        market_size.source_id
    from sections
    inner join market_size
        on sections.geography_id = market_size.geography_id
    where sections.breakdown_id = 'value'
),

segment_rows as (
    select
        sections.section,
        sections.sort_order as section_sort_order,
        sections.geography_id,
        sections.breakdown_id,
        'segment' as member_kind,
        segment_forecast.segment_id as member_id,
        segment_forecast.year,
        segment_forecast.value_usd,
        segment_forecast.share_pct,
        segment_forecast.value_usd_p05,
        segment_forecast.value_usd_p50,
        segment_forecast.value_usd_p95,
        segment_forecast.share_pct_p05,
        segment_forecast.share_pct_p50,
        segment_forecast.share_pct_p95,
        segment_forecast.basis,
        segment_forecast.method,
        segment_forecast.assumption_ids,
        segment_forecast.source_id
    from sections
    inner join segment_forecast
        on
            sections.geography_id = segment_forecast.geography_id
            and sections.breakdown_id = segment_forecast.breakdown_id
),

geography_rows as (
    select
        sections.section,
        sections.sort_order as section_sort_order,
        sections.geography_id,
        sections.breakdown_id,
        'geography' as member_kind,
        market_size.geography_id as member_id,
        market_size.year,
        market_size.value_usd,
        market_size.share_of_parent_pct as share_pct,
        market_size.value_usd_p05,
        market_size.value_usd_p50,
        market_size.value_usd_p95,
        market_size.share_of_parent_pct_p05 as share_pct_p05,
        market_size.share_of_parent_pct_p50 as share_pct_p50,
        market_size.share_of_parent_pct_p95 as share_pct_p95,
        market_size.basis,
        market_size.method,
        market_size.assumption_ids,
        market_size.source_id
    from sections
    inner join market_size
        on sections.geography_id = market_size.parent_geography_id
    where sections.breakdown_id in ('region', 'country')
),

company_rows as (
    select
        sections.section,
        sections.sort_order as section_sort_order,
        sections.geography_id,
        sections.breakdown_id,
        'company' as member_kind,
        company_share.company_id as member_id,
        company_share.year,
        company_share.value_usd,
        company_share.share_pct,
        company_share.value_usd_p05,
        company_share.value_usd_p50,
        company_share.value_usd_p95,
        company_share.share_pct_p05,
        company_share.share_pct_p50,
        company_share.share_pct_p95,
        company_share.basis,
        company_share.method,
        company_share.assumption_ids,
        company_share.source_id
    from sections
    inner join company_share
        on sections.breakdown_id = 'company' and sections.geography_id = 'global'
),

table_rows as (
    select * from value_rows
    union all
    select * from segment_rows
    union all
    select * from geography_rows
    union all
    select * from company_rows
),

final as (
    select
        {{ surrogate_key(['table_rows.section', 'table_rows.member_id', 'table_rows.year']) }} as report_table_row_id,
        table_rows.section,
        table_rows.section_sort_order,
        {{ dbt.concat(['geographies.label_en', "' Accelerator Card Market, '", 'breakdowns.label_en']) }} as title_en,
        {{ dbt.concat(['geographies.label_zh_hant', "'加速卡市場，'", 'breakdowns.label_zh_hant']) }} as title_zh_hant,
        table_rows.geography_id,
        geographies.label_en as geography_label_en,
        geographies.label_zh_hant as geography_label_zh_hant,
        table_rows.breakdown_id,
        breakdowns.label_en as breakdown_label_en,
        breakdowns.label_zh_hant as breakdown_label_zh_hant,
        table_rows.member_kind,
        table_rows.member_id,
        members.member_label_en,
        members.member_label_zh_hant,
        coalesce(members.member_sort_order, 0) as member_sort_order,
        table_rows.year,
        table_rows.value_usd,
        table_rows.share_pct,
        table_rows.value_usd_p05,
        table_rows.value_usd_p50,
        table_rows.value_usd_p95,
        table_rows.share_pct_p05,
        table_rows.share_pct_p50,
        table_rows.share_pct_p95,
        table_rows.basis,
        table_rows.method,
        table_rows.assumption_ids,
        table_rows.source_id
    from table_rows
    inner join geographies
        on table_rows.geography_id = geographies.geography_id
    inner join breakdowns
        on table_rows.breakdown_id = breakdowns.breakdown_id
    left join members
        on
            table_rows.member_kind = members.member_kind
            and table_rows.member_id = members.member_id
)

select * from final
