{#- Every series (a group of group_by values) has exactly one row for each year from var('first_year')
    to var('last_year') and none outside it. -#}
{% test covers_every_year(model, column_name, group_by) %}

with years as (
    select
        {% for column in group_by %}{{ column }},
        {% endfor %}count(distinct {{ column_name }}) as year_count,
        count(*) as row_count,
        min({{ column_name }}) as first_year,
        max({{ column_name }}) as last_year
    from {{ model }}
    group by {{ group_by | join(', ') }}
)

select *
from years
where
    year_count <> {{ var('last_year') - var('first_year') + 1 }}
    or row_count <> year_count
    or first_year <> {{ var('first_year') }}
    or last_year <> {{ var('last_year') }}

{% endtest %}
