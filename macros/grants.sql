{#- Readers get what the `grants` config of a model names (the marts: select, to acm_reader). -#}

{#- A role can read a granted table only in a schema it may use: every role that a model grants a
    privilege to gets usage on the model's schema. The project's on-run-end hook, given dbt's `results`:
    one grant per schema, after every model has run. As a post-hook of each model, two models of one
    schema built on two threads grant usage on it at once, and PostgreSQL refuses one of them with
    "tuple concurrently updated" (both update the schema's one row of pg_namespace). -#}
{% macro grant_schema_usage(results) -%}
    {{ return(adapter.dispatch('grant_schema_usage', 'accelerator_card_market')(results)) }}
{%- endmacro %}

{% macro default__grant_schema_usage(results) -%}
    {#- schema -> the roles granted anything on a relation built in it by this run -#}
    {%- set grantees = {} -%}
    {%- for result in results
        if result.status == 'success' and result.node.resource_type in ['model', 'seed', 'snapshot'] -%}
        {%- set schema_grantees = grantees.setdefault(result.node.schema, []) -%}
        {%- for roles in (result.node.config.get('grants') or {}).values() -%}
            {%- for role in ([roles] if roles is string else roles) if role not in schema_grantees -%}
                {%- do schema_grantees.append(role) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for schema, roles in grantees | dictsort if roles -%}
        grant usage on schema {{ adapter.quote(schema) }} to {{ roles | sort | join(', ') }};
    {% endfor -%}
{%- endmacro %}

{#- DuckDB has no roles: a reader of the warehouse file is kept from writing by opening it read-only.
    Grants and schema usage are therefore nothing there, on purpose and without dbt-duckdb's warning
    that it cannot apply them. -#}
{% macro duckdb__grant_schema_usage(results) -%}
{%- endmacro %}

{% macro duckdb__apply_grants(relation, grant_config, should_revoke=True) -%}
{%- endmacro %}

{#- Spark's own catalog has no roles either (access is the cluster's business: Unity Catalog, Ranger
    or the file system), and open-source Spark rejects GRANT: nothing, as on DuckDB. -#}
{% macro spark__grant_schema_usage(results) -%}
{%- endmacro %}

{% macro spark__apply_grants(relation, grant_config, should_revoke=True) -%}
{%- endmacro %}
