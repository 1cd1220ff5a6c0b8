{#- For every row of `series` (its keys and a year), the nearest anchor at or before that year and the
    nearest at or after it, each with its year, value, basis and source. Both are the same anchor on an
    anchor year; a missing side is null (a year outside the anchors). `series` is a relation or CTE name
    or a parenthesised query; `anchors` a relation or CTE name with the keys, year, the value column,
    basis and source_id. -#}
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
            {% for key in keys %}series_row.{{ key }},
            {% endfor %}series_row.year,
            max(case when anchor_row.year <= series_row.year then anchor_row.year end) as previous_anchor_year,
            min(case when anchor_row.year >= series_row.year then anchor_row.year end) as next_anchor_year
        from {{ series }} as series_row
        left join {{ anchors }} as anchor_row
            on {% for key in keys %}anchor_row.{{ key }} = series_row.{{ key }}{{ " and " if not loop.last }}{% endfor %}
        group by {% for key in keys %}series_row.{{ key }}, {% endfor %}series_row.year
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

{#- Every series of `anchors` (one per distinct combination of `keys`) in every year of `years`, with
    what its value there rests on: the basis and source of the weaker of the anchors around the year
    (int_figures__simulated computes the values themselves, linear between those anchors). A year
    outside the anchors has no anchor on one side, and its value is left empty there. -#}
{% macro interpolated_labels(anchors, years, keys) %}
    select
        {% for key in keys %}bracketed.{{ key }},
        {% endfor %}bracketed.year,
        {{ combine_basis(['bracketed.previous_basis', 'bracketed.next_basis']) }} as basis,
        {{ weakest_source(['bracketed.previous_', 'bracketed.next_']) }} as source_id
    from (
        {{ bracket_by_anchor_years(
            '(select ' ~ ('members.' ~ keys | join(', members.')) ~ ', ' ~ years ~ '.year from (select distinct '
            ~ keys | join(', ') ~ ' from ' ~ anchors ~ ') as members cross join ' ~ years ~ ')',
            anchors, keys, 'year'
        ) }}
    ) as bracketed
{% endmacro %}
