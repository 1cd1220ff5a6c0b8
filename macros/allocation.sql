{#- What each child's value rests on when its parent's value is split among its children by their shares
    (int_figures__simulated computes the values): the weaker basis of its parent's value and of its
    share, and that input's source. `parent_values` has geography_id, year, basis, source_id; `shares`
    is shaped like int_geography_shares__interpolated (geography_id, parent_geography_id, year, basis,
    source_id). A child whose parent is not in `parent_values` gets no row, so one call labels one level
    of the tree. -#}
{% macro allocated_labels(parent_values, shares) %}
    select
        {{ shares }}.geography_id,
        {{ shares }}.parent_geography_id,
        {{ shares }}.year,
        {{ combine_basis([parent_values ~ '.basis', shares ~ '.basis']) }} as basis,
        {{ weakest_source([parent_values ~ '.', shares ~ '.']) }} as source_id
    from {{ shares }}
    inner join {{ parent_values }}
        on
            {{ shares }}.parent_geography_id = {{ parent_values }}.geography_id
            and {{ shares }}.year = {{ parent_values }}.year
{% endmacro %}
