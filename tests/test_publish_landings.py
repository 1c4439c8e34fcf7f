"""The publish step on a small hand-made warehouse: respondent-grain marts go out as one
Parquet file per landing, unchanged landings are hard-linked from the previous version, the
serving copy holds every public relation as a table, superseded Parquet versions outlive
their readers, and a stale WAL never reaches readers (synthetic rows, no dbt)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tendensen.serving.publish import PARQUET_VERSIONS_KEPT, publish

LANDING_A = "a" * 64 + ":salt01"
LANDING_B = "b" * 64 + ":salt01"


def make_warehouse(path: Path, landings: dict[str, tuple[int, str]]) -> None:
    """marts.fct_response_answers with `rows` rows per landing loaded at `loaded_at`."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists audit")
        con.execute("create or replace table marts.answer_shares as select 1 as pct")
        con.execute("create or replace table audit.share_checks as select true as passed")
        con.execute(
            "create or replace table marts.fct_response_answers "
            "(respondent_key varchar, landing_id varchar, loaded_at timestamp)"
        )
        for landing, (rows, loaded_at) in landings.items():
            con.execute(
                "insert into marts.fct_response_answers select 'r' || range, ?, ?::timestamp from range(?)",
                [landing, loaded_at, rows],
            )


def landing_files(parquet_root: Path) -> dict[str, os.stat_result]:
    folder = parquet_root / "current" / "fct_response_answers"
    return {path.name: path.stat() for path in folder.glob("*.parquet")}


def serving_count(serving: Path, where: str = "true") -> int:
    with duckdb.connect(str(serving), read_only=True) as con:
        return con.execute(f"select count(*) from marts.fct_response_answers where {where}").fetchone()[0]


@pytest.fixture
def paths(tmp_path):
    return tmp_path / "warehouse.duckdb", tmp_path / "serving" / "tendensen.duckdb", tmp_path / "parquet"


def test_each_landing_is_one_parquet_file_and_a_table_in_the_serving_copy(paths):
    warehouse, serving, parquet = paths
    make_warehouse(warehouse, {LANDING_A: (3, "2026-01-01"), LANDING_B: (2, "2026-01-01")})
    published = publish(warehouse, serving, parquet)
    assert (published.landings_written, published.landings_linked) == (2, 0)
    assert published.row_counts["marts.fct_response_answers"] == 5
    assert len(landing_files(parquet)) == 2
    assert serving_count(serving, f"landing_id = '{LANDING_B}'") == 2
    with duckdb.connect(str(serving), read_only=True) as con:
        kinds = dict(
            con.execute(
                "select table_name, table_type from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        )
    # a table, not a view over Parquet paths: the serving copy can be moved (test_serving_portable)
    assert kinds == {"answer_shares": "BASE TABLE", "fct_response_answers": "BASE TABLE"}
    assert (parquet / "current" / "answer_shares.parquet").exists()


def test_unchanged_landings_are_linked_and_reloaded_ones_written(paths):
    warehouse, serving, parquet = paths
    make_warehouse(warehouse, {LANDING_A: (3, "2026-01-01"), LANDING_B: (2, "2026-01-01")})
    publish(warehouse, serving, parquet)
    before = landing_files(parquet)
    # an incremental build re-loaded B only (a corrected export of the same landing key)
    make_warehouse(warehouse, {LANDING_A: (3, "2026-01-01"), LANDING_B: (4, "2026-02-01")})
    published = publish(warehouse, serving, parquet)
    after = landing_files(parquet)
    assert (published.landings_written, published.landings_linked) == (1, 1)
    shared = set(before) & set(after)
    assert len(shared) == 1  # A: the same name in both versions ...
    (name,) = shared
    assert after[name].st_ino == before[name].st_ino and after[name].st_nlink == 2  # ... one inode
    assert serving_count(serving) == 7


def test_a_reader_of_an_older_serving_copy_keeps_its_respondent_rows(paths, tmp_path):
    warehouse, serving, parquet = paths
    make_warehouse(warehouse, {LANDING_A: (3, "2026-01-01")})
    publish(warehouse, serving, parquet)
    with duckdb.connect(str(serving), read_only=True) as old_reader:
        make_warehouse(warehouse, {LANDING_A: (5, "2026-02-01")})
        publish(warehouse, serving, parquet)  # the serving file is replaced under the reader
        old = old_reader.execute("select count(*) from marts.fct_response_answers").fetchone()[0]
    assert (old, serving_count(serving)) == (3, 5)  # its own version, not a mix


def test_old_versions_are_dropped_after_a_while(paths):
    warehouse, serving, parquet = paths
    for run in range(PARQUET_VERSIONS_KEPT + 2):
        make_warehouse(warehouse, {LANDING_A: (3, f"2026-01-0{run + 1}")})
        publish(warehouse, serving, parquet, versions_min_age_s=0)
    assert len(list(parquet.glob("v-*"))) == PARQUET_VERSIONS_KEPT


def test_a_reader_of_current_keeps_its_files_through_many_quick_publishes(paths):
    """A reader resolves `current/` once and lists its files; however many publishes follow
    within the minimum age, the files it listed stay readable (the count alone would drop them)."""
    warehouse, serving, parquet = paths
    make_warehouse(warehouse, {LANDING_A: (3, "2026-01-01")})
    publish(warehouse, serving, parquet)
    listed = sorted((parquet / "current").resolve().rglob("*.parquet"))
    for run in range(PARQUET_VERSIONS_KEPT + 2):
        make_warehouse(warehouse, {LANDING_A: (3 + run, f"2026-02-0{run + 1}")})
        publish(warehouse, serving, parquet)
    assert len(list(parquet.glob("v-*"))) == PARQUET_VERSIONS_KEPT + 3
    files = [str(path) for path in listed if path.parent.name == "fct_response_answers"]
    with (
        duckdb.connect() as con
    ):  # its own connection: a half-fetched result on duckdb's default one breaks later tests
        counts = con.execute("select count(*) from read_parquet(?)", [files]).fetchall()
    assert counts == [(3,)]


def test_the_serving_copy_is_read_only_and_in_a_format_duckdb_1x_reads(paths):
    warehouse, serving, parquet = paths
    make_warehouse(warehouse, {LANDING_A: (3, "2026-01-01")})
    publish(warehouse, serving, parquet)
    assert stat.S_IMODE(serving.stat().st_mode) & 0o222 == 0
    with duckdb.connect(str(serving), read_only=True) as con:
        (storage,) = con.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = current_database()"
        ).fetchone()
    assert storage == "v1.4.0+"


WRITE_AND_LEAVE_A_WAL = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])  # read-write, as a careless BI client would
con.execute("pragma disable_checkpoint_on_shutdown")
con.execute("create table marts.scribble as select 42 as answer")
con.close()
"""


def test_a_wal_left_by_a_read_write_client_is_removed_at_publish(paths):
    """F6: a client wrote to the serving copy and left a WAL; after the next publish every
    read-only reader must still open the new file (DuckDB would replay the stale WAL)."""
    warehouse, serving, parquet = paths
    make_warehouse(warehouse, {LANDING_A: (3, "2026-01-01")})
    publish(warehouse, serving, parquet)
    serving.chmod(0o644)  # the owner (or root, whom modes do not stop) writes anyway
    subprocess.run([sys.executable, "-c", WRITE_AND_LEAVE_A_WAL, str(serving)], check=True)
    wal = serving.with_name(serving.name + ".wal")
    assert wal.exists()
    make_warehouse(warehouse, {LANDING_A: (5, "2026-02-01")})
    publish(warehouse, serving, parquet)
    assert serving_count(serving) == 5  # a reader opens the new file ...
    assert not wal.exists()
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute(
            "select count(*) from duckdb_tables() where table_name = 'scribble'"
        ).fetchone() == (0,)


def test_a_respondent_table_without_rows_is_published_with_its_columns(paths):
    warehouse, serving, parquet = paths
    make_warehouse(warehouse, {})
    published = publish(warehouse, serving, parquet)
    assert published.row_counts["marts.fct_response_answers"] == 0
    assert serving_count(serving) == 0
    assert (parquet / "current" / "fct_response_answers.parquet").exists()


def serving_landings(serving: Path) -> dict[str, int]:
    with duckdb.connect(str(serving), read_only=True) as con:
        return dict(
            con.execute("select landing_id, count(*) from marts.fct_response_answers group by all").fetchall()
        )


def test_the_serving_copy_is_updated_from_the_previous_one_landing_by_landing(paths):
    """Adding, reloading and withdrawing landings: the next serving copy starts from the last
    one, keeps unchanged landings' rows and holds exactly the warehouse's rows."""
    warehouse, serving, parquet = paths
    make_warehouse(warehouse, {LANDING_A: (3, "2026-01-01"), LANDING_B: (2, "2026-01-01")})
    assert not publish(warehouse, serving, parquet).serving_updated  # nothing to start from
    with duckdb.connect(str(serving), read_only=True) as con:
        rowids_a = con.execute(
            "select list(rowid order by rowid) from marts.fct_response_answers where landing_id = ?",
            [LANDING_A],
        ).fetchone()[0]
    # B first: a serving copy written whole would give A's rows other row ids
    make_warehouse(warehouse, {LANDING_B: (4, "2026-02-01"), LANDING_A: (3, "2026-01-01")})
    assert publish(warehouse, serving, parquet).serving_updated
    assert serving_landings(serving) == {LANDING_A: 3, LANDING_B: 4}
    with duckdb.connect(str(serving), read_only=True) as con:
        assert (
            con.execute(
                "select list(rowid order by rowid) from marts.fct_response_answers where landing_id = ?",
                [LANDING_A],
            ).fetchone()[0]
            == rowids_a
        )  # not rewritten
    make_warehouse(warehouse, {LANDING_A: (3, "2026-01-01")})
    with duckdb.connect(str(warehouse)) as con:  # B withdrawn: its rows leave the warehouse
        con.execute("delete from marts.fct_response_answers where landing_id = ?", [LANDING_B])
    assert publish(warehouse, serving, parquet).serving_updated
    assert serving_landings(serving) == {LANDING_A: 3}


REWRITE_AND_CHECKPOINT = """
import sys, duckdb
with duckdb.connect(sys.argv[1]) as con:  # read-write, closed cleanly: written into the file
    con.execute("create table marts.scribble as select 42 as answer")
    con.execute("delete from marts.fct_response_answers")
"""


def test_a_serving_copy_a_client_rewrote_is_not_started_from(paths):
    warehouse, serving, parquet = paths
    make_warehouse(warehouse, {LANDING_A: (3, "2026-01-01")})
    publish(warehouse, serving, parquet)
    serving.chmod(0o644)
    subprocess.run([sys.executable, "-c", REWRITE_AND_CHECKPOINT, str(serving)], check=True)
    published = publish(warehouse, serving, parquet)
    assert not published.serving_updated
    assert serving_landings(serving) == {LANDING_A: 3}
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute(
            "select count(*) from duckdb_tables() where table_name = 'scribble'"
        ).fetchone() == (0,)
