{#- Fails for every row whose chain of parents (column_name names the parent's key) does not reach a row
    without a parent within max_depth steps: a cycle in the tree, or a tree deeper than declared. -#}
{% test parent_chain_ends(model, column_name, key, max_depth) %}

select step_0.{{ key }}
from {{ model }} as step_0
{% for step in range(1, max_depth + 1) -%}
left join {{ model }} as step_{{ step }} on step_{{ step - 1 }}.{{ column_name }} = step_{{ step }}.{{ key }}
{% endfor -%}
where step_{{ max_depth }}.{{ key }} is not null

{% endtest %}
