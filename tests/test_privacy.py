"""No personal data of the (synthetic) exports reaches the warehouse or its serving copy."""

from __future__ import annotations

import csv
import re

import duckdb
import pytest

PII_COLUMNS = ("IP Address", "Email Address", "First Name", "Last Name")
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")


@pytest.fixture(scope="module")
def personal_data(built_warehouse) -> set[str]:
    """Every e-mail, IP address and name written into the landed demo exports."""
    exports = sorted((built_warehouse.path.parent / "landing").glob("*.csv"))
    assert len(exports) == 2, exports
    values = set()
    for export in exports:
        with export.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        header = rows[0]
        for column in PII_COLUMNS:
            index = header.index(column)
            values |= {row[index] for row in rows[2:] if row[index]}
    assert any("@" in value for value in values) and any(IPV4.fullmatch(value) for value in values)
    return values


def all_text_values(path) -> set[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type = 'VARCHAR' and table_catalog = current_database()"
        ).fetchall()
        values = set()
        for schema, table, column in columns:
            values |= {
                value
                for (value,) in con.execute(
                    f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'
                ).fetchall()
            }
    return values


@pytest.mark.parametrize("which", ["warehouse", "serving copy"])
def test_no_personal_data_anywhere(built_warehouse, personal_data, which):
    path = (
        built_warehouse.path
        if which == "warehouse"
        else (built_warehouse.path.parent / "serving" / "tendensen.duckdb")
    )
    values = all_text_values(path)
    assert built_warehouse.scalar("select count(*) from marts.dim_respondent") == 173 + 142
    assert not values & personal_data
    assert not [value for value in values if "@example.invalid" in value or IPV4.search(value)]


def test_landed_files_hold_no_personal_data(built_warehouse, personal_data):
    for file in (built_warehouse.path.parent / "landed").rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert not [value for value in personal_data if value.encode() in data], file


def test_small_bases_are_suppressed(built_warehouse):
    assert (
        built_warehouse.scalar(
            "select count(*) from marts.answer_shares where source = 'responses' and n_base < 10 "
            "and pct is not null"
        )
        == 0
    )
