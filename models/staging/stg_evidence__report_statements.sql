with source as (
    select * from {{ ref('report_statements') }}
),

renamed as (
    select
        statement_id,
        source_id,
        edition,
        text_as_printed,
        bears_on,
        value_as_printed,
        value_implied_elsewhere,
        implied_by,
        issue_kind,
        note
    from source
)

select * from renamed
