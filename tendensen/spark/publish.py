"""Write-audit-publish on Spark: versioned Parquet folders, one pointer, catalog tables over it.

Spark's file tables (Parquet in a Hive metastore) have no multi-table transaction, and
`alter table ... rename` is one table at a time: swapping a staging database table by table
would let a reader see a new `answer_shares` beside an old `dim_option`. So the publish is
the "versioned folders and a pointer" pattern (what Delta or Iceberg do with a log):

1. every public relation (schemas `marts` and `audit`, views included, as tables) is
   written by Spark as Parquet into a new version folder, `<root>/versions/<version>/<schema>/<name>/`;
2. the pointer `<root>/current`, a relative symlink, is replaced by a new one in one
   rename: file readers see the previous version or the new one, never half of one;
3. the catalog tables `serving_marts.<name>` and `serving_audit.<name>` point at
   `<root>/current/<schema>/<name>` (declared once; re-declared only when a mart's columns
   changed; refreshed otherwise), so Spark SQL readers follow the pointer too;
4. superseded versions are kept while they are among the `VERSIONS_KEPT` newest or younger
   than `VERSION_MIN_AGE_S` (a reader that listed a folder just before a swap finishes).

The publish runs only after every blocking check passed (the Dagster asset's place in the
graph), as on DuckDB. On a cluster the folders live on the object store, which has no
symlink: there the pointer is a table format's commit (Delta/Iceberg) or a small pointer
file the readers resolve (docs/spark.md).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

PUBLIC_SCHEMAS = ("marts", "audit")
SERVING_DATABASE_PREFIX = "serving_"
VERSIONS_KEPT = 4
VERSION_MIN_AGE_S = 3600.0


@dataclass(frozen=True)
class SparkPublished:
    root: Path  # data/serving/spark: versions/ and the `current` pointer
    version: Path  # the version folder just published
    row_counts: dict[str, int]  # "schema.name" -> rows


def public_relations(spark, schema: str) -> list[str]:
    """The tables and views of a public schema (temporary views excluded), sorted."""
    return sorted(table.name for table in spark.catalog.listTables(schema) if not table.isTemporary)


def publish(spark, root: Path) -> SparkPublished:
    """Write a new version of every public relation, swap the pointer, follow it in the catalog."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    version = root / "versions" / f"{stamp}-{uuid.uuid4().hex[:8]}"
    row_counts = {}
    for schema in PUBLIC_SCHEMAS:
        for name in public_relations(spark, schema):
            folder = version / schema / name
            spark.table(f"{schema}.{name}").write.parquet(str(folder))
            row_counts[f"{schema}.{name}"] = spark.read.parquet(str(folder)).count()
    swap_pointer(root, version)
    for relation in row_counts:
        declare_serving_table(spark, root, relation)
    remove_superseded_versions(root)
    return SparkPublished(root=root, version=version, row_counts=row_counts)


def swap_pointer(root: Path, version: Path) -> None:
    """Point `root/current` at `version` in one rename (relative: the folder can move)."""
    staged = root / f".current.{uuid.uuid4().hex}"
    os.symlink(os.path.relpath(version, root), staged)
    os.replace(staged, root / "current")


def serving_table(relation: str) -> str:
    """`marts.answer_shares` -> `serving_marts.answer_shares`."""
    schema, name = relation.split(".")
    return f"{SERVING_DATABASE_PREFIX}{schema}.{name}"


def declare_serving_table(spark, root: Path, relation: str) -> None:
    """The catalog table over `current/<schema>/<name>`; its files are re-listed (refresh)."""
    schema, name = relation.split(".")
    table = serving_table(relation)
    location = root / "current" / schema / name
    published_schema = spark.read.parquet(str(location)).schema
    spark.sql(f"create database if not exists {SERVING_DATABASE_PREFIX}{schema}")
    if spark.catalog.tableExists(table):
        if spark.table(table).schema == published_schema:
            spark.sql(f"refresh table {table}")
            return
        spark.sql(f"drop table {table}")  # the mart's columns changed: declare it again
    spark.sql(f"create table {table} using parquet location {spark_literal(str(location))}")


def spark_literal(text: str) -> str:
    """A Spark SQL string literal (backslash escapes, as macros/landed_parquet.sql's)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def remove_superseded_versions(root: Path, now: float | None = None) -> list[Path]:
    """Delete versions older than the `VERSIONS_KEPT` newest that are not current and have
    not been touched for `VERSION_MIN_AGE_S`; returns the deleted folders."""
    now = time.time() if now is None else now
    current = (root / "current").resolve()
    versions = sorted((root / "versions").iterdir(), reverse=True)  # names sort by time
    removed = []
    for folder in versions[VERSIONS_KEPT:]:
        if folder.resolve() != current and now - folder.stat().st_mtime > VERSION_MIN_AGE_S:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
