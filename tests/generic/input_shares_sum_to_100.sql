{#- Input validation of a share seed (the marts' shares are held by the great-expectations gate): fails for every group (for example geography, dimension and year) whose shares do not sum to 100
    within var('share_sum_tolerance_pct'). With `parent` ({to, key, column}), group_by may name the
    column `column` of the row of `to` whose `key` the row holds (a geography's parent). -#}
{% test input_shares_sum_to_100(model, column_name, group_by, parent=none) %}

with shares as (
    {% if parent -%}
        select
            child.*,
            parent_row.{{ parent.column }}
        from {{ model }} as child
        left join {{ parent.to }} as parent_row on child.{{ parent.key }} = parent_row.{{ parent.key }}
    {%- else -%}
        select * from {{ model }}
    {%- endif %}
),

totals as (
    select
        {% for column in group_by %}{{ column }},
        {% endfor %}sum({{ column_name }}) as share_total_pct
    from shares
    group by {{ group_by | join(', ') }}
)

select *
from totals
where abs(share_total_pct - 100) > {{ var('share_sum_tolerance_pct') }}

{% endtest %}
