{#- Fails for every row whose columns (all given) name no row of `to` with the same fields: the
    relationships test for a key of several columns. -#}
{% test relationships_of_columns(model, columns, to, fields) %}

select child.*
from {{ model }} as child
left join {{ to }} as parent
    on {% for column in columns %}child.{{ column }} = parent.{{ fields[loop.index0] }}{% if not loop.last %} and {% endif %}{% endfor %}
where
    {% for column in columns %}child.{{ column }} is not null and {% endfor %}parent.{{ fields[0] }} is null

{% endtest %}
