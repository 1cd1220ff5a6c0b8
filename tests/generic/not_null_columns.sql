{#- Every column of column_names has a value in every row: one test per model rather than one per column
    (dbt's not_null), since each test is a query and a node of its own, and on a cluster a job. It scans
    the model once and returns one row per column that has empty values, naming it and counting them. -#}
{% test not_null_columns(model, column_names) %}

with empty_counts as (
    select
    {%- for column_name in column_names %}
        sum(case when {{ column_name }} is null then 1 else 0 end) as empty_{{ loop.index }}
        {{- "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)

{% for column_name in column_names -%}
select
    '{{ column_name }}' as column_name,
    empty_{{ loop.index }} as empty_rows
from empty_counts
where empty_{{ loop.index }} > 0
{{ "union all" if not loop.last }}
{% endfor %}

{% endtest %}
