{#- Fails for every value that is not wholly matched by the regular expression pattern (ids: ^[a-z0-9_]+$). -#}
{% test accepted_pattern(model, column_name, pattern) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null and not {{ regex_full_match(column_name, pattern) }}

{% endtest %}
