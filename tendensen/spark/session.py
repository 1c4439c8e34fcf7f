"""One Spark session over the project's Spark warehouse, opened and closed around each use.

dbt builds the warehouse in its own process (dbt-spark's `session` method, profiles.yml's
`spark` target); the share checks and the publish read it afterwards from the Dagster process
through this session. Both see the same tables because they share the warehouse folder and
the Hive metastore (an embedded Derby database) under `settings.spark_dir()`.

Embedded Derby admits one JVM at a time: a session here would keep the next `dbt build` out
for as long as its JVM lives. So `spark_session()` starts a JVM of its own and stops it on
exit (a few seconds), as dbt's process does when it ends. On a cluster with a shared
metastore (Hive metastore service, Unity, Glue) that restriction goes: docs/spark.md.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tendensen.settings import spark_dir

DEFAULT_MASTER = "local[2]"
DEFAULT_DRIVER_MEMORY = "1g"


def spark_settings(folder: Path | None = None) -> dict[str, str]:
    """The Spark settings of the `spark` target in profiles.yml (keep the two in step)."""
    folder = folder or spark_dir()
    return {
        "spark.master": os.environ.get("SPARK_MASTER", DEFAULT_MASTER),
        "spark.driver.memory": os.environ.get("SPARK_DRIVER_MEMORY", DEFAULT_DRIVER_MEMORY),
        "spark.sql.shuffle.partitions": "2",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # results reach pandas as a few hundred rows: no pyarrow needed (nor installed)
        "spark.sql.execution.arrow.pyspark.enabled": "false",
        # local mode talks to itself only: no network interface needed, none exposed
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        "spark.sql.warehouse.dir": str(folder / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={folder}/metastore_db;create=true",
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={folder}",
    }


@contextmanager
def spark_session(folder: Path | None = None) -> Iterator:
    """A Spark session with the warehouse's catalog, in a JVM that is stopped on exit."""
    from pyspark.sql import SparkSession

    use_loopback()
    folder = folder or spark_dir()
    if not (folder / "metastore_db").exists():
        raise FileNotFoundError(f"No Spark warehouse at {folder}: run `make run ENGINE=spark` first.")
    builder = SparkSession.builder.appName("tendensen")
    for key, value in spark_settings(folder).items():
        builder = builder.config(key, value)
    session = builder.enableHiveSupport().getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        stop_jvm(session)


def use_loopback() -> None:
    """Local mode talks to itself only: bind Spark to the loopback interface (it otherwise
    picks the machine's address, and says so on every start)."""
    if os.environ.get("SPARK_MASTER", DEFAULT_MASTER).startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")


def stop_jvm(session) -> None:
    """Stop the session and its JVM: the metastore's lock goes with it (see the module doc)."""
    from pyspark import SparkContext

    session.stop()
    gateway = SparkContext._gateway
    if gateway is not None:
        gateway.shutdown()
        process = getattr(gateway, "proc", None)
        if process is not None:
            # Spark's gateway JVM exits when its standard input closes
            if process.stdin is not None:
                process.stdin.close()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    SparkContext._gateway = None
    SparkContext._jvm = None
