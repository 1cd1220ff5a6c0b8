-- One row per rule and year: the largest deviation from the rule over every run of the model (the base
-- case, every scenario and every draw), as int_simulation__rule_checks computes it a year at a time.
with rule_checks as (
    select * from {{ ref('int_simulation__rule_checks') }}
),

final as (
    select
        rule_check_id,
        rule_id,
        year,
        deviation_unit,
        checked_count,
        run_count,
        max_deviation
    from rule_checks
)

select * from final
