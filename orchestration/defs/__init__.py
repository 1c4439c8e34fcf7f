"""Dagster wiring, one folder per area: dbt, landing, validation, serving."""
