{#- Layers land in schemas named for the layer (seeds, staging, intermediate, marts), so a SQL
    user reads `marts.report_tables` rather than a target-prefixed name.

    Two vars build every layer beside the published schemas instead, both empty by default:
    var('schema_suffix') gives side schemas such as `marts__staging`, where the PostgreSQL publisher
    (scripts/publish_postgres.py) builds and audits before it swaps them in for the published ones in one
    transaction; var('schema_prefix') gives `<prefix>marts` and so on, for a build on a Spark cluster
    that must leave the marts readers read alone. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ var('schema_prefix', '') }}{{ target.schema }}{{ var('schema_suffix', '') }}
    {%- else -%}
        {{ var('schema_prefix', '') }}{{ custom_schema_name | trim }}{{ var('schema_suffix', '') }}
    {%- endif -%}
{%- endmacro %}
