{#- Fails for every group (for example geography, dimension and year) whose shares do not sum to 100
    within var('share_sum_tolerance_pct'). -#}
{% test shares_sum_to_100(model, column_name, group_by) %}

with totals as (
    select
        {% for column in group_by %}{{ column }},
        {% endfor %}sum({{ column_name }}) as share_total_pct
    from {{ model }}
    group by {{ group_by | join(', ') }}
)

select *
from totals
where abs(share_total_pct - 100) > {{ var('share_sum_tolerance_pct') }}

{% endtest %}
