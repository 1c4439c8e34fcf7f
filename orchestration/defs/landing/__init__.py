"""Landing exports as a Dagster asset, and the sensor that watches for them."""
