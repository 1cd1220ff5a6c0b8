-- One row per assumption of the warehouse, whatever its kind: what it sets, its base value and range,
-- why, and the evidence it rests on (each kind's seed adds rows here with no SQL change), with what the
-- simulation needs to draw it: its random-number stream, taken from its id so that it stays put when
-- assumptions are added, the series it belongs to (the assumption without its year) and the group of
-- series it is renormalised in, year by year (the shares of one parent, of one geography and breakdown,
-- or of the market among companies), each numbered so that the simulation joins small integers.
with market_growth as (
    select * from {{ ref('stg_assumptions__market_growth') }}
),

geography_shares as (
    select * from {{ ref('stg_assumptions__geography_shares') }}
),

geographies as (
    select * from {{ ref('stg_reference__geographies') }}
),

segment_shares as (
    select * from {{ ref('stg_assumptions__segment_shares') }}
),

company_shares as (
    select * from {{ ref('stg_assumptions__company_shares') }}
),

unioned as (
    select
        assumption_id,
        'market_growth' as assumption_kind,
        geography_id,
        cast(null as {{ dbt.type_string() }}) as breakdown_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        cast(null as integer) as year,
        period_start_year,
        period_end_year,
        cagr_pct as base_value_pct,
        cagr_pct_low as low_value_pct,
        cagr_pct_high as high_value_pct,
        distribution,
        rationale,
        range_rationale,
        evidence_ids,
        source_id
    from market_growth
    union all
    select
        assumption_id,
        'geography_share' as assumption_kind,
        geography_id,
        cast(null as {{ dbt.type_string() }}) as breakdown_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        year,
        cast(null as integer) as period_start_year,
        cast(null as integer) as period_end_year,
        share_pct as base_value_pct,
        share_pct_low as low_value_pct,
        share_pct_high as high_value_pct,
        distribution,
        rationale,
        range_rationale,
        evidence_ids,
        source_id
    from geography_shares
    union all
    select
        assumption_id,
        'segment_share' as assumption_kind,
        geography_id,
        breakdown_id,
        segment_id,
        cast(null as {{ dbt.type_string() }}) as company_id,
        year,
        cast(null as integer) as period_start_year,
        cast(null as integer) as period_end_year,
        share_pct as base_value_pct,
        share_pct_low as low_value_pct,
        share_pct_high as high_value_pct,
        distribution,
        rationale,
        range_rationale,
        evidence_ids,
        source_id
    from segment_shares
    union all
    select
        assumption_id,
        'company_share' as assumption_kind,
        cast(null as {{ dbt.type_string() }}) as geography_id,
        cast(null as {{ dbt.type_string() }}) as breakdown_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        company_id,
        year,
        cast(null as integer) as period_start_year,
        cast(null as integer) as period_end_year,
        share_pct as base_value_pct,
        share_pct_low as low_value_pct,
        share_pct_high as high_value_pct,
        distribution,
        rationale,
        range_rationale,
        evidence_ids,
        source_id
    from company_shares
),

geography_numbers as (
    select
        geography_id,
        cast(dense_rank() over (order by geography_id) as integer) as geography_number
    from geographies
),

segment_numbers as (
    select distinct
        breakdown_id,
        segment_id,
        cast(dense_rank() over (order by breakdown_id, segment_id) as integer) as segment_number
    from unioned
    where segment_id is not null
),

company_numbers as (
    select distinct
        company_id,
        cast(dense_rank() over (order by company_id) as integer) as company_number
    from unioned
    where company_id is not null
),

-- each assumption's random-number stream, from its id's characters (macros/simulation.sql stream_of)
stream_weights as (
    {{ stream_weights() }}
),

streams as (
    select
        unioned.assumption_id,
        {{ stream_of('unioned.assumption_id', 'stream_weights') }} as stream_id
    from unioned
    cross join stream_weights
    group by unioned.assumption_id
),

keyed as (
    select
        unioned.*,
        geographies.parent_geography_id,
        own_number.geography_number,
        parent_number.geography_number as parent_geography_number,
        segment_numbers.segment_number,
        company_numbers.company_number,
        streams.stream_id,
        {%- set series_keys = {
            'market_growth': ['unioned.geography_id', 'unioned.period_start_year'],
            'geography_share': ['unioned.geography_id'],
            'segment_share': ['unioned.geography_id', 'unioned.breakdown_id', 'unioned.segment_id'],
            'company_share': ['unioned.company_id'],
        } %}
        case unioned.assumption_kind
            {%- for kind, keys in series_keys.items() %}
            when '{{ kind }}' then {{ surrogate_key(['unioned.assumption_kind'] + keys) }} -- noqa: LT02
            {%- endfor %}
        end as series_key,
        case unioned.assumption_kind
            when
                'geography_share'
                then {{ surrogate_key(['unioned.assumption_kind', 'geographies.parent_geography_id']) }}
            when
                'segment_share'
                then {{ surrogate_key(['unioned.assumption_kind', 'unioned.geography_id', 'unioned.breakdown_id']) }}
            when 'company_share' then {{ surrogate_key(['unioned.assumption_kind']) }}
        end as share_group_key
    from unioned
    inner join streams
        on unioned.assumption_id = streams.assumption_id
    left join geographies
        on unioned.geography_id = geographies.geography_id
    left join geography_numbers as own_number
        on unioned.geography_id = own_number.geography_id
    left join geography_numbers as parent_number
        on geographies.parent_geography_id = parent_number.geography_id
    left join segment_numbers
        on
            unioned.breakdown_id = segment_numbers.breakdown_id
            and unioned.segment_id = segment_numbers.segment_id
    left join company_numbers
        on unioned.company_id = company_numbers.company_id
),

final as (
    select
        assumption_id,
        assumption_kind,
        geography_id,
        parent_geography_id,
        breakdown_id,
        segment_id,
        company_id,
        year,
        period_start_year,
        period_end_year,
        base_value_pct,
        low_value_pct,
        high_value_pct,
        distribution,
        rationale,
        range_rationale,
        evidence_ids,
        source_id,
        cast(stream_id as bigint) as stream_id,
        geography_number,
        parent_geography_number,
        segment_number,
        company_number,
        cast(dense_rank() over (order by series_key) as integer) as series_number,
        evidence_ids <> 'no_public_evidence' as has_public_evidence,
        case
            when share_group_key is not null
                then cast(dense_rank() over (order by share_group_key) as integer)
        end as share_group_number
    from keyed
)

select * from final
