with sources as (
    select * from {{ ref('stg_reference__sources') }}
),

final as (
    select
        source_id,
        publisher,
        title,
        document_type,
        language_code,
        published_on,
        date_precision,
        reference_code,
        url,
        is_primary,
        note,
        no_title_reason,
        no_url_reason
    from sources
)

select * from final
