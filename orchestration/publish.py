"""Write-audit-publish: copy the validated public schemas to the serving files, atomically.

The pipeline writes `data/warehouse.duckdb`; BI tools read `data/serving/tendensen.duckdb`.
A reader holding the serving file open never blocks a build (the build does not open it), and
it sees the previous version or the new one, never half of one: the new copy is written to a
temporary file in the same folder and renamed over the old one (`os.replace` is atomic on
POSIX; a reader that has the old file open keeps reading the old inode).
Parquet files follow the same rule: a new version folder, then an atomic swap of the
`current` symlink.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

PUBLIC_SCHEMAS = ("marts", "audit")
PARQUET_VERSIONS_KEPT = 2


@dataclass(frozen=True)
class Published:
    serving_path: Path
    parquet_path: Path
    row_counts: dict[str, int]  # "schema.table" -> rows


def public_relations(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    """(schema, name) of every table and view in the public schemas of an attached catalog."""
    placeholders = ", ".join("?" for _ in PUBLIC_SCHEMAS)
    return con.execute(
        f"""
        select schema_name, table_name from duckdb_tables()
        where database_name = ? and schema_name in ({placeholders})
        union
        select schema_name, view_name from duckdb_views()
        where database_name = ? and schema_name in ({placeholders}) and not internal
        order by all
        """,
        [catalog, *PUBLIC_SCHEMAS, catalog, *PUBLIC_SCHEMAS],
    ).fetchall()


def publish(warehouse: Path, serving: Path, parquet_root: Path) -> Published:
    """Snapshot the public schemas of `warehouse` into `serving` and Parquet, all or nothing.

    Views are materialised as tables: the serving copy must not depend on the warehouse file
    (dbt's views name its catalog).
    """
    serving.parent.mkdir(parents=True, exist_ok=True)
    staged = serving.with_name(f".{serving.name}.{uuid.uuid4().hex}.tmp")
    version = parquet_root / f"v-{uuid.uuid4().hex[:12]}"
    try:
        row_counts = _write_snapshot(warehouse, staged, version)
        os.replace(staged, serving)
    except BaseException:
        staged.unlink(missing_ok=True)
        shutil.rmtree(version, ignore_errors=True)
        raise
    _swap_current(parquet_root, version)
    return Published(serving, parquet_root / "current", row_counts)


def _write_snapshot(warehouse: Path, staged: Path, parquet_version: Path) -> dict[str, int]:
    parquet_version.mkdir(parents=True)
    # Bounded like dbt's connection (profiles.yml): a million-respondent fact is copied in
    # pieces that spill to disk, not in memory.
    con = duckdb.connect(str(staged), config={
        "memory_limit": os.environ.get("DUCKDB_MEMORY_LIMIT", "1GB"),
        "preserve_insertion_order": False,
    })
    try:
        con.execute(f"attach '{warehouse}' as source (read_only)")
        row_counts = {}
        for schema, name in public_relations(con, "source"):
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(f'create table "{schema}"."{name}" as select * from source."{schema}"."{name}"')
            row_counts[f"{schema}.{name}"] = con.execute(
                f'select count(*) from "{schema}"."{name}"').fetchone()[0]
            if schema == "marts":
                target = parquet_version / f"{name}.parquet"
                con.execute(f"copy \"{schema}\".\"{name}\" to '{target}' (format parquet)")
        con.execute("detach source")
        con.execute("checkpoint")
    finally:
        con.close()
    _fsync(staged)
    return row_counts


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _swap_current(parquet_root: Path, version: Path) -> None:
    """Point `current` at the new version atomically, then drop versions no one points at."""
    link = parquet_root / "current"
    staged_link = parquet_root / f".current.{uuid.uuid4().hex}"
    staged_link.symlink_to(version.name)
    os.replace(staged_link, link)
    versions = sorted(
        (path for path in parquet_root.glob("v-*") if path.is_dir()),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    for stale in versions[PARQUET_VERSIONS_KEPT:]:
        shutil.rmtree(stale, ignore_errors=True)
