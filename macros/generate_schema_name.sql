{#- Layers land in schemas named for the layer (seeds, staging, intermediate, marts), so a SQL
    user reads `marts.report_tables` rather than a target-prefixed name.

    var('schema_suffix') builds every layer into a side schema instead (`marts__staging`): the
    PostgreSQL publisher (scripts/publish_postgres.py) builds and audits there, then swaps the side
    schemas in for the published ones in one transaction. Empty by default. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}{{ var('schema_suffix', '') }}
    {%- else -%}
        {{ custom_schema_name | trim }}{{ var('schema_suffix', '') }}
    {%- endif -%}
{%- endmacro %}
