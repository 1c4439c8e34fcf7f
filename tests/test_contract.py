"""The public marts match docs/contract.md exactly: names, types, column order, schemas."""

from __future__ import annotations

import re
import subprocess

import duckdb
import pytest

from tendensen.settings import REPO_ROOT

CONTRACT = REPO_ROOT / "docs" / "contract.md"
DUCKDB_TYPES = {
    "varchar": "VARCHAR",
    "integer": "INTEGER",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
}


def contract_columns(table: str, contract_text: str) -> dict[str, str]:
    """Column -> DuckDB type from the markdown table under the `## `schema.table`` heading.

    A row may name several columns at once (`edition_id, audience | varchar`).
    """
    section = contract_text.split(f"## `{table}`", 1)[1].split("\n## ", 1)[0]
    columns: dict[str, str] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 2 or cells[1] not in DUCKDB_TYPES:
            continue
        for name in re.split(r",\s*", cells[0]):
            columns[name] = DUCKDB_TYPES[cells[1]]
    return columns


def test_contract_parser_reads_grouped_columns():
    text = "## `a.t` — x\n| column | type | meaning |\n|---|---|---|\n| a, b | varchar | m |\n| c | double | m |\n"
    assert contract_columns("a.t", text) == {"a": "VARCHAR", "b": "VARCHAR", "c": "DOUBLE"}


@pytest.fixture(scope="module")
def contract_text() -> str:
    return CONTRACT.read_text(encoding="utf-8")


COLUMNS_OF = (
    "select column_name, data_type from information_schema.columns "
    "where table_schema = ? and table_name = ? order by ordinal_position"
)


def columns_of(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column -> type of `schema.table`, in the table's column order."""
    return dict(con.execute(COLUMNS_OF, table.split(".")).fetchall())


@pytest.mark.parametrize("table, width", [("marts.answer_shares", 18), ("audit.share_checks", 15)])
def test_public_table_matches_contract(built_warehouse, contract_text, table, width):
    expected = contract_columns(table, contract_text)
    assert len(expected) == width
    with duckdb.connect(str(built_warehouse.path), read_only=True) as con:
        actual = columns_of(con, table)
    assert actual == expected
    # Column order as in the contract, for `select *` users.
    assert list(actual) == list(expected)


def test_schemas_have_exact_names(built_warehouse):
    schemas = {
        name
        for (name,) in built_warehouse.rows("select distinct table_schema from information_schema.tables")
    }
    assert {"marts", "staging", "intermediate", "raw"} <= schemas
    assert not [name for name in schemas if name.startswith("main_")]


def test_serving_copy_matches_contract(built_warehouse, contract_text):
    """BI tools read the serving copy: it must carry the same public shape."""
    serving = built_warehouse.path.parent / "serving" / "tendensen.duckdb"
    with duckdb.connect(str(serving), read_only=True) as con:
        for table in ("marts.answer_shares", "audit.share_checks"):
            actual = columns_of(con, table)
            assert actual == contract_columns(table, contract_text)
            assert list(actual) == list(contract_columns(table, contract_text))


def test_the_repository_names_no_folder_beside_it():
    """The repository stands alone: no tracked file reads or names the folder that once sat
    beside it (the contract is docs/contract.md, the sources are cited by document id)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True)
    if listed.returncode:
        pytest.skip("not a git checkout: no list of tracked files")
    sibling = "../" + "shared"  # spelled apart, so this file does not match itself
    naming = [
        name
        for name in listed.stdout.decode().split("\0")
        if name
        and (REPO_ROOT / name).is_file()
        and sibling in (REPO_ROOT / name).read_text(encoding="utf-8", errors="replace")
    ]
    assert naming == []
