{#- Splits each parent's value among its children by the children's shares of one breakdown.
    `parent_values` has geography_id, year, value_usd, basis, source_id; `shares` is shaped like
    int_shares__interpolated. -#}
{% macro allocate_by_share(parent_values, shares, breakdown_id) %}
    select
        {{ shares }}.member_id as geography_id,
        {{ shares }}.geography_id as parent_geography_id,
        {{ shares }}.year,
        {{ parent_values }}.value_usd * {{ shares }}.share_pct / 100 as value_usd,
        {{ shares }}.share_pct as share_of_parent_pct,
        {{ combine_basis([parent_values ~ '.basis', shares ~ '.basis']) }} as basis,
        {{ weakest_source([parent_values ~ '.', shares ~ '.']) }} as source_id
    from {{ shares }}
    inner join {{ parent_values }}
        on
            {{ shares }}.geography_id = {{ parent_values }}.geography_id
            and {{ shares }}.year = {{ parent_values }}.year
    where {{ shares }}.breakdown_id = '{{ breakdown_id }}'
{% endmacro %}
