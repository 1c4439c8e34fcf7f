"""Publishing the serving copy as a Dagster asset."""
