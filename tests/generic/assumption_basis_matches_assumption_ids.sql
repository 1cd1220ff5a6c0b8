{#- Fails for every row whose basis and assumption list disagree: a value is an assumption exactly where
    it names the assumptions it depends on (a reported or derived value names none). -#}
{% test assumption_basis_matches_assumption_ids(model) %}

select *
from {{ model }}
where (basis = 'assumption') <> (assumption_ids is not null)

{% endtest %}
