"""Short-lived DuckDB connections to the warehouse.

DuckDB allows one writer or many readers across processes: every connection opened
here is closed on exit of its `with` block, so a check never blocks the next dbt run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from tendensen.settings import warehouse_path


def literal(value: str) -> str:
    """A SQL string literal, for the statements that take no parameters (COPY, ATTACH,
    read_csv/read_parquet in a view)."""
    return "'" + value.replace("'", "''") + "'"


@contextmanager
def connect(path: Path | None = None, *, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is always closed; read-only unless asked otherwise."""
    target = path or warehouse_path()
    if read_only and not target.exists():
        raise FileNotFoundError(f"No warehouse at {target}: run `make run` first.")
    con = duckdb.connect(str(target), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def table_row_counts(schema: str, path: Path | None = None) -> dict[str, int]:
    """Row count of every table in a schema, by table name."""
    with connect(path) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
                [schema],
            ).fetchall()
        ]
        return {
            name: con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0] for name in tables
        }
