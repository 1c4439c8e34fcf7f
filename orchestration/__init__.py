"""Dagster orchestration of the tendensen warehouse (dbt assets, GX checks, jobs)."""
