{#- Layers land in schemas named for the layer (seeds, staging, intermediate, marts), so a SQL
    user reads `marts.report_tables` rather than a target-prefixed name. A build that must leave those
    schemas alone (on a Spark cluster, a build beside the marts readers read) sets the var
    schema_prefix, and its layers land in <prefix>seeds, <prefix>staging, ... instead. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ var('schema_prefix', '') }}{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
