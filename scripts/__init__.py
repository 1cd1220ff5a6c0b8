"""The pipeline around dbt: build, and later gate, publish and benchmark the warehouse."""
