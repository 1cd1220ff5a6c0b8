{#- Layers land in schemas named for the layer (seeds, staging, intermediate, marts), so a SQL
    user reads `marts.report_tables` rather than a target-prefixed name. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
