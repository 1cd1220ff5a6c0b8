{#- Seeds declare their column types once, in seeds/_seeds.yml, and the marts their contract types once, in
    models/marts/_marts__models.yml, in the names DuckDB and PostgreSQL share (varchar or string, double
    precision, integer, boolean, date; scripts/seed_check.py reads the same names). Spark spells two of
    them differently: an engine's spelling of a declared type. -#}
{% macro engine_type(declared_type) -%}
    {{ return(adapter.dispatch('engine_type', 'accelerator_card_market')(declared_type)) }}
{%- endmacro %}

{% macro default__engine_type(declared_type) -%}
    {{ return(declared_type) }}
{%- endmacro %}

{% macro spark__engine_type(declared_type) -%}
    {%- set spark_types = {'varchar': 'string', 'text': 'string', 'double precision': 'double'} -%}
    {{ return(spark_types.get(declared_type | lower | trim, declared_type)) }}
{%- endmacro %}

{#- dbt's cast() on Spark, in Spark's spelling of the type: dbt checks a model contract by casting null to
    each declared data_type, so this is what lets one declaration hold on every engine. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ engine_type(type) }})
{%- endmacro %}

{#- dbt-spark's seed macros, with the declared types in Spark's spelling, and the values written as SQL
    literals: dbt-spark's session method binds an empty value as the text 'None' and a value with a
    quote unescaped. Each value is quoted by dbt's escape_single_quotes (Spark's: a quote becomes \')
    after its backslashes are doubled, since a Spark string literal reads a backslash as an escape too. -#}
{% macro spark__create_csv_table(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {% set sql %}
        create table {{ this.render() }} (
            {%- for column_name in agate_table.column_names -%}
                {%- set declared_type = column_override.get(column_name, adapter.convert_type(agate_table, loop.index0)) %}
                {{ adapter.quote_seed_column(column_name | string, quote_seed_column) }} {{ engine_type(declared_type) }}
                {%- if not loop.last %},{% endif -%}
            {%- endfor %}
        )
        {{ file_format_clause() }}
    {% endset %}
    {% call statement('_') -%}
        {{ sql }}
    {%- endcall %}
    {{ return(sql) }}
{% endmacro %}

{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set column_types = [] -%}
    {%- for column_name in agate_table.column_names -%}
        {%- do column_types.append(engine_type(
            column_override.get(column_name, adapter.convert_type(agate_table, loop.index0))
        )) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                {%- for value in row -%}
                    {%- if value is none -%}
                        cast(null as {{ column_types[loop.index0] }})
                    {%- else -%}
                        cast('{{ dbt.escape_single_quotes(value | string | replace("\\", "\\\\")) }}' as {{ column_types[loop.index0] }})
                    {%- endif -%}
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%}
                ){%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}

{#- DuckDB loads a seed with its own CSV reader in the dialect the project declares (seeds: +meta:
    csv_dialect), as scripts/seed_check.py reads it before the build: strict, every value as text,
    columns found by their names in the header (not by position), then cast to the declared types by
    the insert. The path and the dialect are bound parameters, never written into the SQL. -#}
{% macro duckdb__load_csv_rows(model, agate_table) %}
    {%- set dialect = model['config'].get('meta', {}).get('csv_dialect', {}) -%}
    {%- set columns = {} -%}
    {%- for column_name in agate_table.column_names -%}
        {%- do columns.update({column_name: 'VARCHAR'}) -%}
    {%- endfor -%}
    {%- set sql -%}
        insert into {{ this.render() }} by name
        select * from read_csv(
            ?, columns = ?, header = true, auto_detect = false, delim = ?, quote = ?, escape = ?,
            encoding = 'utf-8', strict_mode = true, null_padding = false
        )
    {%- endset -%}
    {%- set bindings = [
        adapter.get_seed_file_path(model),
        columns,
        dialect.get('delimiter', ','),
        dialect.get('quote', '"'),
        dialect.get('escape', '"'),
    ] -%}
    {%- do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) -%}
    {{ return(sql) }}
{% endmacro %}
