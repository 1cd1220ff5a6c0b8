{#- Splits each parent's value among its children by the children's shares of it. `parent_values` has
    geography_id, year, value_usd, basis, source_id; `shares` is shaped like int_geography_shares__interpolated
    (geography_id, parent_geography_id, year, share_pct, basis, source_id). A child whose parent is not in
    `parent_values` gets no row, so one call allocates one level of the tree. -#}
{% macro allocate_by_share(parent_values, shares) %}
    select
        {{ shares }}.geography_id,
        {{ shares }}.parent_geography_id,
        {{ shares }}.year,
        {{ parent_values }}.value_usd * {{ shares }}.share_pct / 100 as value_usd,
        {{ shares }}.share_pct as share_of_parent_pct,
        {{ combine_basis([parent_values ~ '.basis', shares ~ '.basis']) }} as basis,
        {{ weakest_source([parent_values ~ '.', shares ~ '.']) }} as source_id
    from {{ shares }}
    inner join {{ parent_values }}
        on
            {{ shares }}.parent_geography_id = {{ parent_values }}.geography_id
            and {{ shares }}.year = {{ parent_values }}.year
{% endmacro %}
