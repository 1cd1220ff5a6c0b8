{#- Sums the model's rows by child_keys (and any further `per` columns) and compares each sum with the
    parent row that parent_keys find in parent_model (the model itself, for a hierarchy), matched key
    by key in order. Fails for a child group with no parent and for a sum off by more than
    var('additivity_relative_tolerance') of the parent. -#}
{% test children_add_up_to_parent(model, column_name, parent_model, parent_column, child_keys, parent_keys, per=[], parent_where="1 = 1") %}

with children as (
    select
        {% for key in child_keys %}{{ key }} as key_{{ loop.index }},
        {% endfor %}{% for column in per %}{{ column }},
        {% endfor %}sum({{ column_name }}) as children_total
    from {{ model }}
    where {{ child_keys[0] }} is not null
    group by {{ (child_keys + per) | join(', ') }}
),

parents as (
    select
        {% for key in parent_keys %}{{ key }} as key_{{ loop.index }},
        {% endfor %}{{ parent_column }} as parent_total
    from {{ parent_model }}
    where {{ parent_where }}
),

compared as (
    select
        children.*,
        parents.parent_total
    from children
    left join parents
        on {% for key in child_keys %}children.key_{{ loop.index }} = parents.key_{{ loop.index }}{{ " and " if not loop.last }}{% endfor %}
)

select *
from compared
where
    parent_total is null
    or abs(children_total - parent_total) > {{ var('additivity_relative_tolerance') }} * abs(parent_total)

{% endtest %}
