{#- For every row of `series` (its keys and a year), the nearest anchor at or before that year and the
    nearest at or after it, each with its year, value, basis and source. Both are the same anchor on an
    anchor year; a missing side is null (a year outside the anchors). `series` and `anchors` are
    relation or CTE names; `anchors` has the keys, year, the value column, basis and source_id. -#}
{% macro bracket_by_anchor_years(series, anchors, keys, value_column) %}
    select
        {% for key in keys %}bracket.{{ key }},
        {% endfor %}bracket.year,
        bracket.previous_anchor_year,
        previous_anchor.{{ value_column }} as previous_value,
        previous_anchor.basis as previous_basis,
        previous_anchor.source_id as previous_source_id,
        bracket.next_anchor_year,
        next_anchor.{{ value_column }} as next_value,
        next_anchor.basis as next_basis,
        next_anchor.source_id as next_source_id
    from (
        select
            {% for key in keys %}{{ series }}.{{ key }},
            {% endfor %}{{ series }}.year,
            max(case when {{ anchors }}.year <= {{ series }}.year then {{ anchors }}.year end) as previous_anchor_year,
            min(case when {{ anchors }}.year >= {{ series }}.year then {{ anchors }}.year end) as next_anchor_year
        from {{ series }}
        left join {{ anchors }}
            on {% for key in keys %}{{ anchors }}.{{ key }} = {{ series }}.{{ key }}{{ " and " if not loop.last }}{% endfor %}
        group by {% for key in keys %}{{ series }}.{{ key }}, {% endfor %}{{ series }}.year
    ) as bracket
    left join {{ anchors }} as previous_anchor
        on {% for key in keys %}previous_anchor.{{ key }} = bracket.{{ key }} and {% endfor %}previous_anchor.year = bracket.previous_anchor_year
    left join {{ anchors }} as next_anchor
        on {% for key in keys %}next_anchor.{{ key }} = bracket.{{ key }} and {% endfor %}next_anchor.year = bracket.next_anchor_year
{% endmacro %}

{#- Where a year lies strictly between two anchors, its position between them, 0 at the previous anchor
    and 1 at the next. -#}
{% macro anchor_position(bracket) -%}
    cast({{ bracket }}.year - {{ bracket }}.previous_anchor_year as {{ type_double() }})
    / ({{ bracket }}.next_anchor_year - {{ bracket }}.previous_anchor_year)
{%- endmacro %}
