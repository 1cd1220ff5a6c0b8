{#- A figure's basis is the weakest of its inputs: reported < derived < assumption.
    Ranks make "weakest" an ordinary max(), on one row or across an aggregation. -#}

{% macro basis_rank(basis_column) -%}
    case {{ basis_column }}
        when 'reported' then 1
        when 'derived' then 2
        when 'assumption' then 3
    end
{%- endmacro %}

{% macro basis_from_rank(rank_expression) -%}
    case {{ rank_expression }}
        when 1 then 'reported'
        when 2 then 'derived'
        when 3 then 'assumption'
    end
{%- endmacro %}

{#- The basis of a figure computed from several inputs on one row. -#}
{% macro combine_basis(basis_columns) -%}
    {%- set ranks = [] -%}
    {%- for basis_column in basis_columns -%}
        {%- do ranks.append(basis_rank(basis_column)) -%}
    {%- endfor -%}
    {{ basis_from_rank('greatest(' ~ ranks | join(', ') ~ ')') }}
{%- endmacro %}

{#- The source behind the weakest input on one row: the first source whose basis ranks highest. Each
    input is named by the prefix of its two columns: 'shares.' for shares.basis and shares.source_id,
    'previous_' for previous_basis and previous_source_id. -#}
{% macro weakest_source(prefixes) -%}
    {%- set ranks = [] -%}
    {%- for prefix in prefixes -%}
        {%- do ranks.append(basis_rank(prefix ~ 'basis')) -%}
    {%- endfor -%}
    case
    {%- for prefix in prefixes %}
        when {{ basis_rank(prefix ~ 'basis') }} = greatest({{ ranks | join(', ') }}) then {{ prefix }}source_id
    {%- endfor %}
    end
{%- endmacro %}
