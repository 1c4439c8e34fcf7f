"""Publishing the serving copy that BI tools and analysts read."""
