"""The publish step on a small hand-made warehouse: respondent-grain marts go out as one
Parquet file per landing, unchanged landings are hard-linked from the previous version,
and the serving copy reads them through views (synthetic rows, no dbt)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from orchestration.publish import PARQUET_VERSIONS_KEPT, publish

LANDING_A = "a" * 64 + ":salt01"
LANDING_B = "b" * 64 + ":salt01"


def make_warehouse(path: Path, landings: dict[str, tuple[int, str]]) -> None:
    """marts.fct_response_answers with `rows` rows per landing loaded at `loaded_at`."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists audit")
        con.execute("create or replace table marts.answer_shares as select 1 as pct")
        con.execute("create or replace table audit.share_checks as select true as passed")
        con.execute("create or replace table marts.fct_response_answers "
                    "(respondent_key varchar, landing_id varchar, loaded_at timestamp)")
        for landing, (rows, loaded_at) in landings.items():
            con.execute("insert into marts.fct_response_answers select 'r' || range, ?, ?::timestamp "
                        "from range(?)", [landing, loaded_at, rows])


def landing_files(parquet_root: Path) -> dict[str, os.stat_result]:
    folder = parquet_root / "current" / "fct_response_answers"
    return {path.name: path.stat() for path in folder.glob("*.parquet")}


def serving_count(serving: Path, where: str = "true") -> int:
    with duckdb.connect(str(serving), read_only=True) as con:
        return con.execute(f"select count(*) from marts.fct_response_answers where {where}").fetchone()[0]


@pytest.fixture
def paths(tmp_path):
    return tmp_path / "warehouse.duckdb", tmp_path / "serving" / "tendensen.duckdb", tmp_path / "parquet"


def test_each_landing_is_one_parquet_file_read_through_a_view(paths):
    warehouse, serving, parquet = paths
    make_warehouse(warehouse, {LANDING_A: (3, "2026-01-01"), LANDING_B: (2, "2026-01-01")})
    published = publish(warehouse, serving, parquet)
    assert (published.landings_written, published.landings_linked) == (2, 0)
    assert published.row_counts["marts.fct_response_answers"] == 5
    assert len(landing_files(parquet)) == 2
    assert serving_count(serving, f"landing_id = '{LANDING_B}'") == 2
    with duckdb.connect(str(serving), read_only=True) as con:
        kinds = dict(con.execute("select table_name, table_type from information_schema.tables "
                                 "where table_schema = 'marts'").fetchall())
    assert kinds == {"answer_shares": "BASE TABLE", "fct_response_answers": "VIEW"}
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
        publish(warehouse, serving, parquet)
    assert len(list(parquet.glob("v-*"))) == PARQUET_VERSIONS_KEPT


def test_a_table_without_rows_is_copied_not_viewed(paths):
    warehouse, serving, parquet = paths
    make_warehouse(warehouse, {})
    published = publish(warehouse, serving, parquet)
    assert published.row_counts["marts.fct_response_answers"] == 0
    assert serving_count(serving) == 0  # a view over no files would not even know its columns
