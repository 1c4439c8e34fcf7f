"""dbt plumbing that needs no Dagster: the dbt CLI entry point, project state, the lock plugin."""
