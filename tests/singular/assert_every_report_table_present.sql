-- All var('report_table_count') tables of the report's table of contents can be read by section
-- number, each with a row for every year of the horizon (the company table: its one year), and every
-- member of a breakdown present in each of those years.
{{ config(meta={
    'seed_problem': "seeds/reference/report_sections.csv, column section: "
        ~ "a table of the report's table of contents cannot be read by its section number with every year and member"
}) }}

with report_tables as (
    select * from {{ ref('report_tables') }}
),

sections as (
    select * from {{ ref('stg_reference__report_sections') }}
),

company_shares as (
    select * from {{ ref('fct_company_share') }}
),

company_years as (
    select count(distinct year) as year_count
    from company_shares
),

per_section as (
    select
        sections.section,
        sections.breakdown_id,
        count(distinct report_tables.year) as year_count,
        count(report_tables.year) as row_count,
        count(distinct report_tables.member_id) as member_count
    from sections
    left join report_tables
        on sections.section = report_tables.section
    group by sections.section, sections.breakdown_id
),

expected_years as (
    select
        per_section.section,
        per_section.year_count,
        per_section.row_count,
        per_section.member_count,
        case
            when per_section.breakdown_id = 'company' then company_years.year_count
            else {{ var('last_year') - var('first_year') + 1 }}
        end as expected_year_count
    from per_section
    cross join company_years
),

bad_sections as (
    select
        section,
        'years or members missing' as problem
    from expected_years
    where
        year_count <> expected_year_count
        or row_count <> year_count * (case when member_count = 0 then 1 else member_count end)
),

table_count as (
    select
        'all' as section,
        'expected {{ var("report_table_count") }} sections' as problem
    from (select count(distinct section) as n from report_tables) as counted
    where n <> {{ var('report_table_count') }}
),

final as (
    select * from bad_sections
    union all
    select * from table_count
)

select * from final
