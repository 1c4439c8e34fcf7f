"""Write-audit-publish: copy the validated public schemas to the serving files, atomically.

The pipeline writes `data/warehouse.duckdb`; BI tools read `data/serving/tendensen.duckdb`.
A reader holding the serving file open never blocks a build (the build does not open it), and
it sees the previous version or the new one, never half of one: the new copy is written to a
temporary file in the same folder and renamed over the old one (`os.replace` is atomic on
POSIX; a reader that has the old file open keeps reading the old inode).
Parquet files follow the same rule: a new version folder, then an atomic swap of the
`current` symlink.

The serving copy stands alone: every public relation is a table in it (no view names a
path), so `data/serving/` can be copied or mounted anywhere and still be read. It is written
in DuckDB's storage format `SERVING_STORAGE_VERSION`, which DuckDB 1.4 and later read (BI
drivers and the 1.x CLI lag behind the 2.x the pipeline uses), and made read-only: a client
that opens it read-write and writes leaves a WAL that the next publish removes (see
`_replace_serving`).

Respondent-grain marts (those with `landing_id` and `loaded_at` columns: millions of rows
at scale) are published as Parquet once per landed export, one file per landing in the
version folder. A landing whose rows did not change since the last publish (same landing,
same load, same columns) is hard-linked from the previous version instead of written again:
publishing after adding one edition writes that edition's Parquet, not the warehouse's.
The serving copy does the same inside the file: it starts as a copy of the previous serving
copy (if that is untouched since it was published), keeps the rows of unchanged landings and
deletes or inserts only the others; the small marts are copied whole every time.
Superseded versions are kept while they are among the `PARQUET_VERSIONS_KEPT` newest or
younger than `PARQUET_VERSION_MIN_AGE_S`, so that a reader that resolved `current/` a moment
before a swap can still read the files it listed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import time
import uuid
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import duckdb

from tendensen.files import replace_atomically
from tendensen.warehouse import literal

PUBLIC_SCHEMAS = ("marts", "audit")
# The serving copy's on-disk format: the newest that DuckDB 1.4 and later read (the 1.x CLI,
# BI drivers embedding 1.x). Raise it only when a public mart needs a newer format's feature.
SERVING_STORAGE_VERSION = "v1.4.0"
PARQUET_VERSIONS_KEPT = 4
# A superseded Parquet version outlives its successor's arrival by at least this long: a
# reader that listed `current/` just before the swap reads its files for up to an hour.
PARQUET_VERSION_MIN_AGE_S = 3600.0
# A public table with these columns is published per landing (see the module docstring).
PARTITION_COLUMNS = ("landing_id", "loaded_at")


@dataclass(frozen=True)
class Published:
    serving_path: Path
    parquet_path: Path
    row_counts: dict[str, int]  # "schema.table" -> rows
    landings_written: int = 0  # respondent-grain Parquet files written anew
    landings_linked: int = 0  # ... and reused unchanged from the previous version
    serving_updated: bool = False  # the serving copy started from the previous one (see _previous_serving)


@dataclass
class _Snapshot:
    row_counts: dict[str, int]
    landings_written: int = 0
    landings_linked: int = 0
    serving_updated: bool = False


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


def publish(
    warehouse: Path, serving: Path, parquet_root: Path, versions_min_age_s: float = PARQUET_VERSION_MIN_AGE_S
) -> Published:
    """Snapshot the public schemas of `warehouse` into `serving` and Parquet, all or nothing.

    Views are materialised as tables: the serving copy must depend on no other file (dbt's
    views name the warehouse's catalog; a view over Parquet would name a path).
    """
    serving.parent.mkdir(parents=True, exist_ok=True)
    staged = serving.with_name(f".{serving.name}.{uuid.uuid4().hex}.tmp")
    version = parquet_root / f"v-{uuid.uuid4().hex[:12]}"
    current = parquet_root / "current"
    previous = current.resolve() if current.is_symlink() and current.resolve().is_dir() else None
    try:
        snapshot = _write_snapshot(warehouse, staged, version, previous, _previous_serving(serving))
        _make_read_only(staged)
        _replace_serving(staged, serving)
    except BaseException:
        staged.unlink(missing_ok=True)
        shutil.rmtree(version, ignore_errors=True)
        raise
    _record_published(serving, reusable=not _mostly_free(serving))
    _swap_current(parquet_root, version, versions_min_age_s)
    return Published(
        serving,
        current,
        snapshot.row_counts,
        snapshot.landings_written,
        snapshot.landings_linked,
        snapshot.serving_updated,
    )


def _write_snapshot(
    warehouse: Path,
    staged: Path,
    parquet_version: Path,
    previous_version: Path | None,
    previous_serving: Path | None,
) -> _Snapshot:
    """Write the Parquet version and the staged serving copy; start the latter from
    `previous_serving` when there is one, so that unchanged respondent rows are not copied again."""
    parquet_version.mkdir(parents=True)
    if previous_serving is not None:
        shutil.copyfile(previous_serving, staged)  # a new, writable inode: the published one stays as it is
    # Bounded like dbt's connection (profiles.yml): a million-respondent fact is copied in
    # pieces that spill to disk, not in memory. The storage version applies to a file the
    # connection creates (a copied one already has it: see _previous_serving).
    con = duckdb.connect(
        str(staged),
        config={
            "memory_limit": os.environ.get("DUCKDB_MEMORY_LIMIT", "700MB"),
            "preserve_insertion_order": False,
            "storage_compatibility_version": SERVING_STORAGE_VERSION,
        },
    )
    try:
        con.execute(f"attach {literal(str(warehouse))} as source (read_only)")
        (catalog,) = con.execute("select current_database()").fetchone()
        snapshot = _Snapshot(row_counts={}, serving_updated=previous_serving is not None)
        published = public_relations(con, "source")
        _drop_all_but(con, catalog, keep=set(published))
        for schema, name in published:
            con.execute(f'create schema if not exists "{schema}"')
            relation = f'"{schema}"."{name}"'
            landings = _landings(con, "source", schema, name) if schema == "marts" else []
            if landings:
                folder = parquet_version / name
                written = _publish_landings(
                    con, relation, landings, folder, previous_version / name if previous_version else None
                )
                snapshot.landings_written += written
                snapshot.landings_linked += len(landings) - written
                _update_respondent_table(con, catalog, schema, name, landings)
            else:
                con.execute(f"drop table if exists {relation}")
                con.execute(f"create table {relation} as select * from source.{relation}")
                if schema == "marts":
                    target = parquet_version / f"{name}.parquet"
                    con.execute(f"copy {relation} to {literal(str(target))} (format parquet)")
            snapshot.row_counts[f"{schema}.{name}"] = con.execute(
                f"select count(*) from {relation}"
            ).fetchone()[0]
        con.execute("detach source")
        con.execute("checkpoint")
    finally:
        con.close()
    _fsync(staged)
    return snapshot


def _drop_all_but(con: duckdb.DuckDBPyConnection, catalog: str, keep: set[tuple[str, str]]) -> None:
    """Drop what a copied serving file holds beyond the respondent-grain tables to keep:
    views, relations no longer public, schemas that are not public."""
    relations = con.execute(
        "select schema_name, table_name, 'table' from duckdb_tables() where database_name = ? "
        "union all select schema_name, view_name, 'view' from duckdb_views() "
        "where database_name = ? and not internal",
        [catalog, catalog],
    ).fetchall()
    for schema, name, kind in relations:
        if kind == "view" or (schema, name) not in keep:
            con.execute(f'drop {kind} "{schema}"."{name}"')
    schemas = con.execute(
        "select schema_name from duckdb_schemas() where database_name = ? and not internal", [catalog]
    ).fetchall()
    for (schema,) in schemas:
        if schema not in PUBLIC_SCHEMAS and schema != "main":
            con.execute(f'drop schema "{schema}" cascade')


def _update_respondent_table(
    con: duckdb.DuckDBPyConnection, catalog: str, schema: str, name: str, landings: list[_Landing]
) -> None:
    """Make the serving copy's respondent-grain table hold exactly `landings`' rows.

    A table copied from the previous serving copy with the same columns keeps the rows of
    every landing that did not change (named as in _landings); only the others are deleted
    and inserted. Otherwise the table is written whole.
    """
    relation = f'"{schema}"."{name}"'
    if _columns(con, catalog, schema, name) != _columns(con, "source", schema, name):
        con.execute(f"drop table if exists {relation}")
        con.execute(f"create table {relation} as select * from source.{relation}")
        return
    held = _landings(con, catalog, schema, name)
    wanted = {landing.file_name for landing in landings}
    unchanged = {landing.file_name for landing in held} & wanted
    for landing in held:
        if landing.file_name not in unchanged:
            con.execute(f"delete from {relation} where landing_id = ?", [landing.landing_id])
    for landing in landings:
        if landing.file_name not in unchanged:
            con.execute(
                f"insert into {relation} select * from source.{relation} where landing_id = ?",
                [landing.landing_id],
            )


@dataclass(frozen=True)
class _Landing:
    landing_id: str
    file_name: str  # names the landing's content: same name, same rows


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, name: str) -> list[tuple[str, str]]:
    """(name, type) of a table's columns in order; empty if there is no such table."""
    return con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
        [catalog, schema, name],
    ).fetchall()


def _landings(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, name: str) -> list[_Landing]:
    """The landings of a respondent-grain table of `catalog`, each named by what its rows are.

    Empty for a table without the partition columns, or without rows (it is then copied
    whole: there is nothing to publish per landing).
    """
    columns = _columns(con, catalog, schema, name)
    if not set(PARTITION_COLUMNS) <= {column for column, _ in columns}:
        return []
    # Same landing, same load (dbt's run), same row count and columns: the same rows.
    rows = con.execute(
        f'select landing_id, max(loaded_at)::varchar, count(*) from "{catalog}"."{schema}"."{name}" '
        "group by landing_id order by landing_id"
    ).fetchall()
    signature = repr(columns)
    return [
        _Landing(
            landing_id,
            hashlib.sha256(f"{landing_id}|{loaded_at}|{count}|{signature}".encode()).hexdigest()[:24]
            + ".parquet",
        )
        for landing_id, loaded_at, count in rows
    ]


def _publish_landings(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    landings: list[_Landing],
    folder: Path,
    previous_folder: Path | None,
) -> int:
    """One Parquet file per landing in `folder`; unchanged ones hard-linked. Returns how many were written."""
    folder.mkdir(parents=True)
    written = 0
    for landing in landings:
        target = folder / landing.file_name
        reusable = previous_folder / landing.file_name if previous_folder else None
        if reusable is not None and reusable.exists():
            _link_or_copy(reusable, target)
            continue
        con.execute(
            f"copy (select * from source.{relation} where landing_id = {literal(landing.landing_id)}) "
            f"to {literal(str(target))} (format parquet)"
        )
        written += 1
    return written


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link costs nothing and shares the bytes; across file systems, copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _published_record(serving: Path) -> Path:
    return serving.with_name(f".{serving.name}.published.json")


def _file_identity(path: Path) -> dict:
    """What changes when anyone rewrites the file (a read-write client's checkpoint). A copy
    that keeps the modification time (`cp -a`, a backup restored) holds the same bytes."""
    info = path.stat()
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns, "storage_version": SERVING_STORAGE_VERSION}


def _record_published(serving: Path, reusable: bool) -> None:
    """Remember the file just published, so that the next publish can start from it."""
    record = _published_record(serving)
    if reusable:
        replace_atomically(record, json.dumps(_file_identity(serving)))
    else:
        record.unlink(missing_ok=True)


def _previous_serving(serving: Path) -> Path | None:
    """The serving copy to start the next one from: only the very file this module published
    (same size and modification time, same storage version). Anything else (a file a
    client rewrote, an older format, a missing record) means a serving copy written whole."""
    try:
        recorded = json.loads(_published_record(serving).read_text(encoding="utf-8"))
        return serving if recorded == _file_identity(serving) else None
    except (OSError, ValueError):
        return None


def _mostly_free(serving: Path) -> bool:
    """More than half of the file is free blocks (deleted landings): write the next copy whole,
    so that updating it in place never lets the file grow without bound."""
    with duckdb.connect(str(serving), read_only=True) as con:
        free, total = con.execute("select free_blocks, total_blocks from pragma_database_size()").fetchone()
    return total > 0 and free * 2 > total


def _make_read_only(path: Path) -> None:
    """Readers only: a client of another user that opens the serving copy read-write gets
    "Permission denied" instead of leaving a WAL beside it. The read bits stay as the umask
    made them. (root ignores modes: `_replace_serving` handles what it leaves.)"""
    path.chmod(stat.S_IMODE(path.stat().st_mode) & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _replace_serving(staged: Path, serving: Path) -> None:
    """Rename `staged` over `serving`, and remove a WAL left beside it.

    A WAL there belongs to the file being replaced: a client opened it read-write, wrote,
    and has not checkpointed (it still runs, or was killed). DuckDB would replay it into the
    new file, and every reader would fail with "WAL does not match database file". What it
    holds were writes to a copy that is being replaced anyway: dropping them loses nothing
    published. Removed before the rename (no reader of the new file may meet it) and after
    (a writer may have flushed it in between).
    """
    wal = serving.with_name(serving.name + ".wal")
    wal.unlink(missing_ok=True)
    os.replace(staged, serving)
    wal.unlink(missing_ok=True)


def _swap_current(parquet_root: Path, version: Path, min_age_s: float) -> None:
    """Point `current` at the new version atomically, then drop versions no one reads any more.

    A version is dropped once it is neither among the `PARQUET_VERSIONS_KEPT` newest nor
    younger than `min_age_s` since it stopped being current (when the next version was
    written: a reader that resolved `current` before the swap may still be reading it).
    """
    link = parquet_root / "current"
    staged_link = parquet_root / f".current.{uuid.uuid4().hex}"
    staged_link.symlink_to(version.name)
    os.replace(staged_link, link)
    versions = sorted(
        (path for path in parquet_root.glob("v-*") if path.is_dir()),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    now = time.time()
    for successor, stale in pairwise(versions):
        if stale in versions[:PARQUET_VERSIONS_KEPT] or stale == version:
            continue
        if now - successor.stat().st_mtime >= min_age_s:
            shutil.rmtree(stale, ignore_errors=True)
