"""The warehouse on Apache Spark (local mode or a cluster): the Spark session, the share checks'
reads and writes through it, and the publish step (docs/spark.md). Dagster-free domain code:
orchestration/defs/validation/checks.py and publishing.py choose it when `TENDENSEN_ENGINE=spark`."""
