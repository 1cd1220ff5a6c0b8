{#- A table built in batches: the model's query once per value of `batch_column` listed in `batches`
    (config), each batch filtered on that column and added to the table. An engine needs memory for one
    batch at a time, not for the whole query: the simulation's percentiles hold every draw of every figure
    in their group-by, so they are built a year at a time (the filter reaches the years' rows through the
    views below the query). The query must give the batch column; a row whose value is not listed is left
    out, so `batches` must list every value (the model's tests count the rows); an empty list builds the
    table in one statement. Uses only the adapter's own create-table-as and a plain insert, so it runs on
    every engine of the project. -#}
{% materialization table_by_batch, default %}
    {%- set batch_column = config.require('batch_column') -%}
    {%- set batches = config.require('batches') -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set existing_relation = load_cached_relation(this) -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if existing_relation is not none -%}
        {%- do adapter.drop_relation(existing_relation) -%}
    {%- endif -%}

    {%- if batches | length == 0 -%}
        {%- call statement('main') -%}
            {{ get_create_table_as_sql(False, target_relation, sql) }}
        {%- endcall -%}
    {%- endif -%}

    {%- for batch in batches -%}
        {%- set batch_sql -%}
            select * from ({{ sql }}) as unbatched where {{ batch_column }} = {{ batch }}
        {%- endset -%}
        {%- if loop.first -%}
            {%- call statement('main') -%}
                {{ get_create_table_as_sql(False, target_relation, batch_sql) }}
            {%- endcall -%}
        {%- else -%}
            {%- call statement('batch_' ~ loop.index) -%}
                insert into {{ target_relation }} {{ batch_sql }}
            {%- endcall -%}
        {%- endif -%}
    {%- endfor -%}

    {%- do persist_docs(target_relation, model) -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
