"""The incremental_by_export materialization (macros/materializations/): what it does when
nothing is new, and when a model gains or loses a column. A corrected re-export replacing
its own rows is tested end to end in tests/test_incremental.py."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_dbt


def query(root: Path, sql: str) -> list[tuple]:
    from tendensen.warehouse import connect

    with connect(root / "data" / "warehouse.duckdb") as con:
        return con.execute(sql).fetchall()


def edit_model(root: Path, relative: str, old: str, new: str) -> None:
    path = root / "project" / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_no_new_export_leaves_the_table_as_it_was(dbt_project_copy):
    before = query(
        dbt_project_copy, "select count(*), min(loaded_at), max(loaded_at) from marts.fct_response_answers"
    )
    done = run_dbt(dbt_project_copy, "run", "fct_response_answers")
    assert done.returncode == 0, done.stdout
    assert (
        query(
            dbt_project_copy,
            "select count(*), min(loaded_at), max(loaded_at) from marts.fct_response_answers",
        )
        == before
    )
    assert before[0][0] > 0


def test_a_new_column_is_added_even_with_no_new_export(dbt_project_copy):
    edit_model(
        dbt_project_copy,
        "models/intermediate/int_response_counts.sql",
        "    cast(bases.n_base as integer)       as n_base",
        "    cast(bases.n_base as integer)       as n_base,\n    'probe'  as probe_column",
    )
    done = run_dbt(dbt_project_copy, "run", "int_response_counts")
    assert done.returncode == 0, done.stdout
    assert "Adding column(s) probe_column" in done.stdout
    rows = query(
        dbt_project_copy, "select count(*), count(probe_column) from intermediate.int_response_counts"
    )
    assert rows[0][0] > 0 and rows[0][1] == 0  # rows loaded before the column have none


def test_a_dropped_column_fails_the_build_naming_it(dbt_project_copy):
    edit_model(
        dbt_project_copy, "models/intermediate/int_response_counts.sql", "    chosen.landing_id,\n", ""
    )
    done = run_dbt(dbt_project_copy, "run", "int_response_counts")
    assert done.returncode != 0
    assert "no longer selects: landing_id" in done.stdout
    assert "--full-refresh --select int_response_counts" in done.stdout
