{#- Fails for every group (of group_by values) that lacks a row for one of the years (the anchor years). -#}
{% test covers_years(model, column_name, group_by, years) %}

{%- set years = fromjson(years) if years is string else years %}

with groups as (
    select distinct {{ group_by | join(', ') }}
    from {{ model }}
),

expected as (
    {% for year in years -%}
        select {{ group_by | join(', ') }}, {{ year }} as expected_year from groups
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select expected.*
from expected
left join {{ model }} as present
    on {% for column in group_by %}expected.{{ column }} = present.{{ column }} and {% endfor %}expected.expected_year = present.{{ column_name }}
where present.{{ column_name }} is null

{% endtest %}
