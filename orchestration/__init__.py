"""Dagster orchestration of the tendensen warehouse (dbt assets, GX checks, jobs)."""

from orchestration.faults import private_umask
from orchestration.gc_tuning import tune_for_batch

tune_for_batch()
private_umask()  # respondent data and run logs: owner only (TENDENSEN_UMASK to change)
