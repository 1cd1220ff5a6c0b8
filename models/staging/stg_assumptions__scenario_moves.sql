with source as (
    select * from {{ ref('scenario_moves') }}
),

renamed as (
    select
        {{ surrogate_key([
            'scenario_id', 'assumption_kind', 'geography_id', 'breakdown_id', 'segment_id', 'company_id'
        ]) }} as scenario_move_id,
        scenario_id,
        assumption_kind,
        geography_id,
        breakdown_id,
        segment_id,
        company_id,
        range_end,
        rationale
    from source
)

select * from renamed
