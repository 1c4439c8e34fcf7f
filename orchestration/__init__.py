"""Dagster orchestration of the tendensen warehouse (dbt assets, GX checks, jobs)."""

from orchestration.gc_tuning import tune_for_batch

tune_for_batch()
