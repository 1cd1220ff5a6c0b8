with source as (
    select * from {{ ref('cited_document_readings') }}
),

renamed as (
    select
        reading_id,
        figure_id,
        source_id,
        measure,
        value_low as value_low_as_stated,
        value_central as value_central_as_stated,
        value_high as value_high_as_stated,
        unit as unit_as_stated,
        {{ to_base_unit('value_low', 'unit') }} as value_low,
        {{ to_base_unit('value_central', 'unit') }} as value_central,
        {{ to_base_unit('value_high', 'unit') }} as value_high,
        {{ base_unit('unit') }} as unit,
        reading_as_printed,
        is_verified,
        note
    from source
)

select * from renamed
