-- One row per scenario and assumption it moves: the end of its range the assumption takes in the
-- scenario, from the move rows that select it (stg_assumptions__scenario_moves: an empty key matches
-- any). Two moves of one scenario selecting the same assumption give two rows here, which the
-- uniqueness test refuses, naming them.
with moves as (
    select * from {{ ref('stg_assumptions__scenario_moves') }}
),

assumptions as (
    select * from {{ ref('int_assumptions__unioned') }}
),

final as (
    select
        {{ surrogate_key(['moves.scenario_id', 'assumptions.assumption_id']) }} as scenario_assumption_id,
        moves.scenario_id,
        assumptions.assumption_id,
        moves.range_end,
        moves.scenario_move_id
    from moves
    inner join assumptions
        on
            moves.assumption_kind = assumptions.assumption_kind
            and (moves.geography_id is null or moves.geography_id = assumptions.geography_id)
            and (moves.breakdown_id is null or moves.breakdown_id = assumptions.breakdown_id)
            and (moves.segment_id is null or moves.segment_id = assumptions.segment_id)
            and (moves.company_id is null or moves.company_id = assumptions.company_id)
)

select * from final
