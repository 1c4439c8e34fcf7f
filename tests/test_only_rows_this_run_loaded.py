"""Respondent-grain tests read only the rows a run loaded when the run rebuilt nothing else
they read (macros/tests/only_rows_this_run_loaded.sql), and every row otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import copy_built_data, copy_dbt_project, run_dbt

EDITION_TEST = "relationships_fct_response_answers_edition_id__edition_id__ref_dim_edition_"
RESPONDENT_TEST = "relationships_fct_response_answers_respondent_key__respondent_key__ref_dim_respondent_"


def compiled(root: Path, test: str) -> str:
    """The SQL the test ran, from dbt's run_results.json."""
    results = json.loads((root / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
    (sql,) = [
        result["compiled_code"]
        for result in results
        if result["unique_id"].startswith(f"test.tendensen.{test}.")
    ]
    return sql


@pytest.fixture(scope="module")
def dbt_project_copy(built_warehouse, tmp_path_factory) -> Path:
    """One project and data copy for the module, not one per test: each test runs one dbt
    command and reads what that command compiled (run_results.json); which rows a test reads
    depends on what its own command selects, not on the commands before it. Sharing the
    target folder, the later commands parse the project partially (a process each saves the
    whole parse, ~5 s)."""
    root = tmp_path_factory.mktemp("only_rows_this_run_loaded")
    copy_dbt_project(root / "project")
    copy_built_data(built_warehouse, root / "data")
    return root


def test_a_partial_build_tests_the_new_rows_only(dbt_project_copy):
    done = run_dbt(dbt_project_copy, "build", "fct_response_answers", "dim_respondent")
    assert done.returncode == 0, done.stdout
    # the dimension was not rebuilt: the rows loaded earlier passed against the same one
    assert "where loaded_at = cast(" in compiled(dbt_project_copy, EDITION_TEST)
    # dim_respondent is rebuilt, but per export like the fact: still the new rows only
    assert "where loaded_at = cast(" in compiled(dbt_project_copy, RESPONDENT_TEST)


def test_a_rebuilt_dimension_tests_every_row(dbt_project_copy):
    done = run_dbt(dbt_project_copy, "build", "fct_response_answers", "dim_edition")
    assert done.returncode == 0, done.stdout
    sql = compiled(dbt_project_copy, EDITION_TEST)
    assert "where true" in sql and "loaded_at" not in sql


def test_tests_alone_read_every_row(dbt_project_copy):
    """publish_warehouse re-validates without building: nothing was loaded by that run."""
    done = run_dbt(dbt_project_copy, "test", "fct_response_answers")
    assert done.returncode == 0, done.stdout
    assert "where true" in compiled(dbt_project_copy, EDITION_TEST)


GRAIN_TEST = "unique_grain_fct_response_answers_respondent_key__question_id__item_key__option_key"


def test_the_grain_test_finds_a_repeated_row_nulls_counting_as_equal(dbt_project_copy):
    """macros/analysis/test_unique_grain.sql groups by a hash first: a repeated row is still
    found, and so is one whose null item_key repeats (nulls count as equal). Last in this
    module: it changes the shared copy, and puts it back."""
    import duckdb

    warehouse = str(dbt_project_copy / "data" / "warehouse.duckdb")
    repeat = """
        insert into marts.fct_response_answers
        select * from marts.fct_response_answers where item_key is {} null
        order by respondent_key, question_id, item_key, option_key limit 1"""
    with duckdb.connect(warehouse) as con:
        con.execute(repeat.format("not"))
        con.execute(repeat.format(""))
    try:
        done = run_dbt(dbt_project_copy, "test", GRAIN_TEST)
        assert done.returncode == 1, done.stdout
        results = json.loads((dbt_project_copy / "target" / "run_results.json").read_text(encoding="utf-8"))
        (result,) = [
            r for r in results["results"] if r["unique_id"].startswith(f"test.tendensen.{GRAIN_TEST}.")
        ]
        assert (result["status"], result["failures"]) == ("fail", 2)
    finally:
        with duckdb.connect(warehouse) as con:
            con.execute(
                "create or replace table marts.fct_response_answers as select distinct * from marts.fct_response_answers"
            )
