{#- Readers get what the `grants` config of a model names (the marts: select, to acm_reader). -#}

{#- A role can read a granted table only in a schema it may use: every role that a model grants a
    privilege to gets usage on the model's schema. A post-hook of the models that carry grants. -#}
{% macro grant_schema_usage() -%}
    {{ return(adapter.dispatch('grant_schema_usage', 'accelerator_card_market')()) }}
{%- endmacro %}

{% macro default__grant_schema_usage() -%}
    {%- set grantees = [] -%}
    {%- for roles in (config.get('grants') or {}).values() -%}
        {%- for role in ([roles] if roles is string else roles) if role not in grantees -%}
            {%- do grantees.append(role) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if grantees -%}
        grant usage on schema {{ adapter.quote(this.schema) }} to {{ grantees | join(', ') }}
    {%- endif -%}
{%- endmacro %}

{#- DuckDB has no roles: a reader of the warehouse file is kept from writing by opening it read-only.
    Grants and schema usage are therefore nothing there, on purpose and without dbt-duckdb's warning
    that it cannot apply them. -#}
{% macro duckdb__grant_schema_usage() -%}
{%- endmacro %}

{% macro duckdb__apply_grants(relation, grant_config, should_revoke=True) -%}
{%- endmacro %}

{#- Spark's own catalog has no roles either (access is the cluster's business: Unity Catalog, Ranger
    or the file system), and open-source Spark rejects GRANT: nothing, as on DuckDB. -#}
{% macro spark__grant_schema_usage() -%}
{%- endmacro %}

{% macro spark__apply_grants(relation, grant_config, should_revoke=True) -%}
{%- endmacro %}
