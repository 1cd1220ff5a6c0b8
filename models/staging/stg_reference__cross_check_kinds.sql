with source as (
    select * from {{ ref('cross_check_kinds') }}
),

renamed as (
    select
        check_kind,
        sort_order,
        description_en,
        description_zh_hant,
        ratio_definition,
        consistent_ratio_min,
        consistent_ratio_max,
        scope_mismatch_ratio_below,
        scope_mismatch_ratio_above,
        is_scope_mismatch_when_scopes_differ,
        explanation_consistent,
        explanation_inconsistent,
        explanation_scope_mismatch,
        label_en,
        label_zh_hant,
        explanation_consistent_zh_hant,
        explanation_inconsistent_zh_hant,
        explanation_scope_mismatch_zh_hant
    from source
)

select * from renamed
