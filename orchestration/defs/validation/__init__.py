"""The share rules as Dagster asset checks."""
