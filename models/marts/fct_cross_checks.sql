with check_kinds as (
    select * from {{ ref('stg_reference__cross_check_kinds') }}
),

financials as (
    select * from {{ ref('stg_evidence__company_financials') }}
),

publisher_shares as (
    select * from {{ ref('stg_evidence__market_shares') }}
),

shipments as (
    select * from {{ ref('stg_evidence__unit_shipments') }}
),

estimates as (
    select * from {{ ref('stg_evidence__market_estimates') }}
),

readings as (
    select * from {{ ref('stg_evidence__cited_document_readings') }}
),

statements as (
    select * from {{ ref('stg_evidence__report_statements') }}
),

cited as (
    select * from {{ ref('stg_report__cited_financials') }}
),

reported_size as (
    select * from {{ ref('stg_report__market_size') }}
),

reported_growth as (
    select * from {{ ref('stg_report__market_growth') }}
),

market_size as (
    select * from {{ ref('fct_market_size') }}
),

company_shares as (
    select * from {{ ref('fct_company_share') }}
),

external_estimates as (
    select * from {{ ref('fct_external_estimates') }}
),

geographies as (
    select * from {{ ref('dim_geography') }}
),

companies as (
    select * from {{ ref('dim_company') }}
),

days as (
    select * from {{ ref('int_days__spined') }}
),

sources as (
    select * from {{ ref('stg_reference__sources') }}
),

global_market as (
    select
        year,
        value_usd,
        yoy_growth_pct,
        basis,
        source_id,
        {{ dbt.concat(["'Report market '", dbt.cast("year", dbt.type_string()), "' ('", "basis", "')'"]) }}
            as market_label,
        {{ dbt.concat(["'Market growth '", dbt.cast("year", dbt.type_string()), "' ('", "basis", "')'"]) }}
            as growth_label
    from market_size
    where geography_id = 'global'
),

-- Each company figure's calendar year: the year holding most of its fiscal period's days (the later on a
-- tie), and whether the period is a whole year.
period_days as (
    select
        financials.financial_id,
        days.year,
        count(*) as day_count
    from financials
    inner join days
        on days.date_day between financials.period_start_date and financials.period_end_date
    group by financials.financial_id, days.year
),

period_years as (
    select
        financial_id,
        year,
        sum(day_count) over (partition by financial_id) >= {{ var('full_year_min_days') }} as is_full_year,
        row_number() over (partition by financial_id order by day_count desc, year desc) as year_rank
    from period_days
),

company_figures as (
    select
        financials.*,
        period_years.year,
        period_years.is_full_year,
        {{ dbt.concat(["financials.organisation", "' '", "financials.metric", "', '", "financials.fiscal_period"]) }}
            as figure_label
    from financials
    inner join period_years
        on
            financials.financial_id = period_years.financial_id
            and period_years.year_rank = 1
),

-- 1. Each company's revenue against the report's whole market in the same calendar year.
company_revenue_vs_market as (
    select
        'company_revenue_vs_market' as check_kind,
        company_figures.organisation as subject,
        company_figures.financial_id as subject_id,
        company_figures.year,
        company_figures.value as left_figure,
        company_figures.unit as left_unit,
        company_figures.figure_label as left_label,
        company_figures.source_id as left_source_id,
        'reported' as left_basis,
        global_market.value_usd as right_figure,
        'USD' as right_unit,
        global_market.market_label as right_label,
        global_market.source_id as right_source_id,
        global_market.basis as right_basis,
        '{{ var("report_scope_class") }}' as left_scope_class,
        '{{ var("report_scope_class") }}' as right_scope_class
    from company_figures
    inner join global_market
        on company_figures.year = global_market.year
    where company_figures.unit = 'USD'
),

-- 2. Each assumed company share times the market against that company's own full-year figures.
company_share_vs_company_figure as (
    select
        'company_share_vs_company_figure' as check_kind,
        company_figures.organisation as subject,
        {{ dbt.concat(["company_shares.company_id", "'__'", "company_figures.financial_id"]) }} as subject_id,
        company_shares.year,
        company_shares.value_usd as left_figure,
        'USD' as left_unit,
        {{ dbt.concat([
            "companies.label_en", "' share of the market '", dbt.cast("company_shares.year", dbt.type_string()),
            "' ('", "company_shares.basis", "')'"
        ]) }} as left_label,
        company_shares.source_id as left_source_id,
        company_shares.basis as left_basis,
        company_figures.value as right_figure,
        company_figures.unit as right_unit,
        {{ dbt.concat(["company_figures.figure_label", "' ('", "company_figures.value_qualifier", "')'"]) }}
            as right_label,
        company_figures.source_id as right_source_id,
        'reported' as right_basis,
        '{{ var("report_scope_class") }}' as left_scope_class,
        '{{ var("report_scope_class") }}' as right_scope_class
    from company_shares
    inner join companies
        on company_shares.company_id = companies.company_id
    inner join company_figures
        on
            company_shares.company_id = company_figures.company_id
            and company_figures.is_full_year
            and company_figures.unit = 'USD'
            and company_figures.year between company_shares.year - {{ var('company_figure_year_window') }}
            and company_shares.year
),

-- 3. The market's growth in a year against each company's full-year growth in that year.
market_growth_vs_company_growth as (
    select
        'market_growth_vs_company_growth' as check_kind,
        company_figures.organisation as subject,
        company_figures.financial_id as subject_id,
        company_figures.year,
        global_market.yoy_growth_pct as left_figure,
        'percent' as left_unit,
        global_market.growth_label as left_label,
        global_market.source_id as left_source_id,
        global_market.basis as left_basis,
        company_figures.growth_pct as right_figure,
        'percent' as right_unit,
        {{ dbt.concat(["company_figures.figure_label", "', growth year over year'"]) }} as right_label,
        company_figures.source_id as right_source_id,
        'reported' as right_basis,
        '{{ var("report_scope_class") }}' as left_scope_class,
        '{{ var("report_scope_class") }}' as right_scope_class
    from company_figures
    inner join global_market
        on company_figures.year = global_market.year
    where
        company_figures.is_full_year
        and company_figures.growth_comparison = 'year_over_year'
        and global_market.yoy_growth_pct is not null
),

-- The report's period labels as printed ("2027-2031"), read as their first and last year. Only a label
-- printed as a span of two years is read: the text is as printed, so anything else is no label to check.
label_spans as (
    select
        statement_id,
        source_id,
        bears_on,
        edition,
        value_as_printed
    from statements
    where
        bears_on in ('forecast_period_label', 'cagr_period_label')
        and {{ regex_full_match('value_as_printed', '[0-9]{4}-[0-9]{4}') }}
),

labels as (
    select
        statement_id,
        source_id,
        bears_on,
        edition,
        value_as_printed,
        cast({{ dbt.split_part('value_as_printed', "'-'", 1) }} as integer) as label_first_year,
        cast({{ dbt.split_part('value_as_printed', "'-'", 2) }} as integer) as label_last_year
    from label_spans
),

-- 4. The years each label names (inclusively) against the years after the report's base year.
report_period_label_vs_span as (
    select
        'report_period_label_vs_span' as check_kind,
        sources.publisher as subject,
        labels.statement_id as subject_id,
        reported_growth.period_end_year as year,
        cast(labels.label_last_year - labels.label_first_year + 1 as {{ type_double() }}) as left_figure,
        'years' as left_unit,
        {{ dbt.concat(["labels.bears_on", "' ('", "labels.edition", "'): '", "labels.value_as_printed"]) }}
            as left_label,
        labels.source_id as left_source_id,
        'reported' as left_basis,
        cast(
            reported_growth.period_end_year - reported_growth.period_start_year as {{ type_double() }}
        ) as right_figure,
        'years' as right_unit,
        {{ dbt.concat([
            "'years after the base year '", dbt.cast("reported_growth.period_start_year", dbt.type_string()),
            "' to '", dbt.cast("reported_growth.period_end_year", dbt.type_string())
        ]) }} as right_label,
        reported_growth.source_id as right_source_id,
        reported_growth.basis as right_basis,
        '{{ var("report_scope_class") }}' as left_scope_class,
        '{{ var("report_scope_class") }}' as right_scope_class
    from labels
    inner join reported_growth
        on reported_growth.geography_id = 'global'
    inner join sources
        on labels.source_id = sources.source_id
),

-- The spans a CAGR may compound over: each CAGR label read as its endpoints, and the reported period.
cagr_spans as (
    select
        labels.statement_id as subject_id,
        labels.source_id,
        {{ dbt.concat(["'CAGR label ('", "labels.edition", "'): '", "labels.value_as_printed"]) }} as span_label,
        labels.label_first_year as first_year,
        labels.label_last_year as last_year
    from labels
    where labels.bears_on = 'cagr_period_label'
    union all
    select
        {{ dbt.concat(["'reported_period_'", "reported_growth.geography_id"]) }} as subject_id,
        reported_growth.source_id,
        {{ dbt.concat([
            "'reported period '", dbt.cast("reported_growth.period_start_year", dbt.type_string()), "'-'",
            dbt.cast("reported_growth.period_end_year", dbt.type_string())
        ]) }} as span_label,
        reported_growth.period_start_year as first_year,
        reported_growth.period_end_year as last_year
    from reported_growth
    where reported_growth.geography_id = 'global'
),

-- 5. The printed CAGR against the rate the reported first and last sizes imply over each span.
report_cagr_vs_span as (
    select
        'report_cagr_vs_span' as check_kind,
        sources.publisher as subject,
        cagr_spans.subject_id,
        reported_growth.period_end_year as year,
        reported_growth.cagr_pct as left_figure,
        'percent' as left_unit,
        'CAGR as printed' as left_label,
        reported_growth.source_id as left_source_id,
        reported_growth.basis as left_basis,
        100 * (
            power(
                last_size.value_usd / first_size.value_usd,
                1 / cast(cagr_spans.last_year - cagr_spans.first_year as {{ type_double() }})
            )
            - 1
        ) as right_figure,
        'percent' as right_unit,
        {{ dbt.concat(["'rate of the reported sizes over the '", "cagr_spans.span_label"]) }} as right_label,
        cagr_spans.source_id as right_source_id,
        'derived' as right_basis,
        '{{ var("report_scope_class") }}' as left_scope_class,
        '{{ var("report_scope_class") }}' as right_scope_class
    from cagr_spans
    inner join reported_growth
        on reported_growth.geography_id = 'global'
    inner join reported_size as first_size
        on
            first_size.geography_id = 'global'
            and reported_growth.period_start_year = first_size.year
    inner join reported_size as last_size
        on
            last_size.geography_id = 'global'
            and reported_growth.period_end_year = last_size.year
    inner join sources
        on cagr_spans.source_id = sources.source_id
),

-- 6. Where a publisher states units and a value for them: the price per card they imply, against what
-- the report's whole market for the year would leave for the same units.
implied_price_per_card as (
    select
        'implied_price_per_card' as check_kind,
        sources.publisher as subject,
        shipments.shipment_id as subject_id,
        shipments.year,
        global_market.value_usd / shipments.units as left_figure,
        'USD per card' as left_unit,
        {{ dbt.concat(["global_market.market_label", "' per card shipped'"]) }} as left_label,
        global_market.source_id as left_source_id,
        global_market.basis as left_basis,
        estimates.value_usd / shipments.units as right_figure,
        'USD per card' as right_unit,
        {{ dbt.concat(["shipments.market_name", "': value per unit'"]) }} as right_label,
        shipments.source_id as right_source_id,
        'derived' as right_basis,
        '{{ var("report_scope_class") }}' as left_scope_class,
        shipments.scope_class as right_scope_class
    from shipments
    inner join estimates
        on
            shipments.source_id = estimates.source_id
            and shipments.geography = estimates.geography
            and shipments.breakdown = estimates.breakdown
            and shipments.year = estimates.year
            and coalesce(shipments.member, '') = coalesce(estimates.member, '')
            and coalesce(shipments.period_label, '') = coalesce(estimates.period_label, '')
    inner join global_market
        on shipments.year = global_market.year
    inner join sources
        on shipments.source_id = sources.source_id
),

-- 7. The warehouse's region shares against every publisher's stated share of the same region (in the
-- report's base year where the publisher states no year).
regional_share_vs_publisher as (
    select
        'regional_share_vs_publisher' as check_kind,
        sources.publisher as subject,
        publisher_shares.share_id as subject_id,
        region_share.year,
        region_share.share_of_parent_pct as left_figure,
        'percent' as left_unit,
        {{ dbt.concat([
            "geographies.label_en", "' share '", dbt.cast("region_share.year", dbt.type_string()),
            "' ('", "region_share.basis", "')'"
        ]) }} as left_label,
        region_share.source_id as left_source_id,
        region_share.basis as left_basis,
        publisher_shares.share_pct as right_figure,
        'percent' as right_unit,
        {{ dbt.concat(["publisher_shares.member", "' share of '", "publisher_shares.market_name"]) }} as right_label,
        publisher_shares.source_id as right_source_id,
        'reported' as right_basis,
        '{{ var("report_scope_class") }}' as left_scope_class,
        publisher_shares.scope_class as right_scope_class
    from publisher_shares
    inner join geographies
        on
            publisher_shares.member = geographies.label_en
            and geographies.geography_level = 'region'
    inner join market_size as region_share
        on
            geographies.geography_id = region_share.geography_id
            and coalesce(publisher_shares.year, {{ var('forecast_base_year') }}) = region_share.year
    inner join sources
        on publisher_shares.source_id = sources.source_id
    where publisher_shares.breakdown = 'region'
),

-- 8. Each figure the report cites against the document as it reads.
cited_figure_vs_document as (
    select
        'cited_figure_vs_document' as check_kind,
        cited.organisation as subject,
        readings.reading_id as subject_id,
        cast(null as integer) as year,
        case when readings.measure = 'value' then cited.value else cited.growth_pct end as left_figure,
        case when readings.measure = 'value' then cited.unit else 'percent' end as left_unit,
        {{ dbt.concat([
            "cited.organisation", "' '", "cited.metric", "', '", "cited.fiscal_period", "' as the report cites it'"
        ]) }} as left_label,
        cited.source_id as left_source_id,
        cited.basis as left_basis,
        readings.value_central as right_figure,
        readings.unit as right_unit,
        readings.reading_as_printed as right_label,
        readings.source_id as right_source_id,
        'reported' as right_basis,
        '{{ var("report_scope_class") }}' as left_scope_class,
        '{{ var("report_scope_class") }}' as right_scope_class
    from readings
    inner join cited
        on readings.figure_id = cited.figure_id
),

-- 9. The report's market in its base year against every other publisher's whole market in that year.
market_size_vs_publisher as (
    select
        'market_size_vs_publisher' as check_kind,
        external_estimates.publisher as subject,
        {{ dbt.concat(["external_estimates.source_id", "'__'", "external_estimates.scope_class"]) }} as subject_id,
        external_estimates.year,
        global_market.value_usd as left_figure,
        'USD' as left_unit,
        global_market.market_label as left_label,
        global_market.source_id as left_source_id,
        global_market.basis as left_basis,
        external_estimates.value_usd as right_figure,
        'USD' as right_unit,
        {{ dbt.concat([
            "external_estimates.publisher", "': '", "external_estimates.market_name",
            "' ('", "external_estimates.scope_class", "', '", "external_estimates.method", "')'"
        ]) }} as right_label,
        external_estimates.source_id as right_source_id,
        external_estimates.basis as right_basis,
        '{{ var("report_scope_class") }}' as left_scope_class,
        external_estimates.scope_class as right_scope_class
    from external_estimates
    inner join global_market
        on external_estimates.year = global_market.year
    where
        external_estimates.year = {{ var('forecast_base_year') }}
        and external_estimates.geography = 'global'
        and external_estimates.breakdown = 'total'
        and external_estimates.period_label is null
        and not external_estimates.is_report
),

checks as (
    select * from company_revenue_vs_market
    union all
    select * from company_share_vs_company_figure
    union all
    select * from market_growth_vs_company_growth
    union all
    select * from report_period_label_vs_span
    union all
    select * from report_cagr_vs_span
    union all
    select * from implied_price_per_card
    union all
    select * from regional_share_vs_publisher
    union all
    select * from cited_figure_vs_document
    union all
    select * from market_size_vs_publisher
),

-- Growth is compared as multiples (1 + growth), every other figure as it is.
ratios as (
    select
        checks.*,
        case
            when checks.check_kind = 'market_growth_vs_company_growth'
                then (1 + checks.left_figure / 100) / nullif(1 + checks.right_figure / 100, 0)
            else checks.left_figure / nullif(checks.right_figure, 0)
        end as ratio
    from checks
),

-- The verdict, from the kind's declared thresholds only (seeds/reference/cross_check_kinds.csv).
judged as (
    select
        ratios.*,
        check_kinds.description_en,
        check_kinds.description_zh_hant,
        check_kinds.sort_order as check_kind_sort_order,
        check_kinds.explanation_consistent,
        check_kinds.explanation_inconsistent,
        check_kinds.explanation_scope_mismatch,
        check_kinds.label_en as check_kind_label_en,
        check_kinds.label_zh_hant as check_kind_label_zh_hant,
        check_kinds.explanation_consistent_zh_hant,
        check_kinds.explanation_inconsistent_zh_hant,
        check_kinds.explanation_scope_mismatch_zh_hant,
        case
            when
                check_kinds.is_scope_mismatch_when_scopes_differ
                and ratios.left_scope_class <> ratios.right_scope_class
                then 'scope_mismatch'
            when
                ratios.ratio >= check_kinds.consistent_ratio_min
                and (check_kinds.consistent_ratio_max is null or ratios.ratio <= check_kinds.consistent_ratio_max)
                then 'consistent'
            when
                ratios.ratio < check_kinds.scope_mismatch_ratio_below
                or ratios.ratio > check_kinds.scope_mismatch_ratio_above
                then 'scope_mismatch'
            else 'inconsistent'
        end as verdict
    from ratios
    inner join check_kinds
        on ratios.check_kind = check_kinds.check_kind
),

final as (
    select
        {{ dbt.concat(["check_kind", "'__'", "subject_id"]) }} as check_id,
        check_kind,
        check_kind_sort_order,
        subject,
        year,
        description_en,
        description_zh_hant,
        left_figure,
        left_unit,
        left_label,
        left_basis,
        left_scope_class,
        right_figure,
        right_unit,
        right_label,
        right_basis,
        right_scope_class,
        ratio,
        verdict,
        case verdict
            when 'consistent' then explanation_consistent
            when 'inconsistent' then explanation_inconsistent
            when 'scope_mismatch' then explanation_scope_mismatch
        end as explanation,
        left_source_id,
        right_source_id,
        check_kind_label_en,
        check_kind_label_zh_hant,
        case verdict
            when 'consistent' then explanation_consistent_zh_hant
            when 'inconsistent' then explanation_inconsistent_zh_hant
            when 'scope_mismatch' then explanation_scope_mismatch_zh_hant
        end as explanation_zh_hant
    from judged
)

select * from final
