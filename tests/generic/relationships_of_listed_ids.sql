{#- Fails for every row whose delimited list of ids names an id found in none of `to` (a list of
    {model: ref(...), field: ...}); a value equal to `marker` stands alone and names none. An id counts as
    found where ';' || list || ';' contains ';' || id || ';', so no engine has to split the list. -#}
{% test relationships_of_listed_ids(model, column_name, to, delimiter=';', marker=none) %}

with known as (
    {% for target in to %}
        select distinct cast({{ target.field }} as {{ dbt.type_string() }}) as listed_id from {{ target.model }}
        {% if not loop.last %}union{% endif %}
    {% endfor %}
),

lists as (
    select distinct {{ column_name }} as listed_ids
    from {{ model }}
    where {{ column_name }} is not null
    {% if marker %}and {{ column_name }} <> '{{ marker }}'{% endif %}
),

found as (
    select
        lists.listed_ids,
        count(distinct known.listed_id) as found_count
    from lists
    left join known
        on {{ dbt.position(
            dbt.concat(["'" ~ delimiter ~ "'", 'known.listed_id', "'" ~ delimiter ~ "'"]),
            dbt.concat(["'" ~ delimiter ~ "'", 'lists.listed_ids', "'" ~ delimiter ~ "'"])
        ) }} > 0
    group by lists.listed_ids
)

select *
from found
where
    found_count
    < {{ dbt.length('listed_ids') }} - {{ dbt.length(dbt.replace('listed_ids', "'" ~ delimiter ~ "'", "''")) }} + 1

{% endtest %}
