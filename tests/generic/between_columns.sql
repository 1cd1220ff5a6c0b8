{#- Fails for every row whose value lies outside the range its row states (low_column <= value <= high_column). -#}
{% test between_columns(model, column_name, low_column, high_column) %}

select *
from {{ model }}
where {{ column_name }} < {{ low_column }} or {{ column_name }} > {{ high_column }}

{% endtest %}
