"""The serving folder opens anywhere, in DuckDB 1.x and 2.x: published from the built
warehouse, copied to another path, the original deleted, every public mart is counted
through the DuckDB 1.x CLI (`duckdb-cli` from the dev extra), Python DuckDB 2.x and
SQLAlchemy, the documentation's queries (README.md and docs/) run in the 1.x CLI, and nothing
the build shares names the build's absolute path."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tendensen.report.build import build_report
from tendensen.serving.publish import publish
from tendensen.settings import REPO_ROOT

DUCKDB_1X_CLI = Path(sys.executable).parent / "duckdb"  # the duckdb-cli package's launcher
_SQL_BLOCK = re.compile(r"^```sql\n(.*?)^```", re.MULTILINE | re.DOTALL)


def files_under(folder: Path) -> dict[str, int]:
    """Relative path -> size of every file under `folder` (symlinks listed, not followed)."""
    return {
        str(path.relative_to(folder)): path.lstat().st_size
        for path in folder.rglob("*")
        if path.is_file() or path.is_symlink()
    }


def cli_1x(database: Path | None, sql: str, cwd: Path | None = None) -> str:
    """`sql` through the 1.x CLI, on `database` opened read-only (or in memory); its CSV output."""
    opened = ["-readonly", str(database)] if database else []
    result = subprocess.run(
        [str(DUCKDB_1X_CLI), "-csv", "-noheader", *opened, "-c", sql],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
    assert result.returncode == 0 and "Error" not in result.stderr, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def moved(built_warehouse, tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """A serving folder published from a copy of the built warehouse, then copied to another
    path and the original (warehouse included) deleted: (the copy, rows per public relation)."""
    assert built_warehouse.result.success
    data = tmp_path_factory.mktemp("original") / "data"
    data.mkdir()
    shutil.copyfile(built_warehouse.path, data / "warehouse.duckdb")
    published = publish(
        data / "warehouse.duckdb", data / "serving" / "tendensen.duckdb", data / "serving" / "parquet"
    )
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "bi-share" / "serving"
    shutil.copytree(data / "serving", elsewhere, symlinks=True)  # as `cp -a` would
    shutil.rmtree(data)
    return elsewhere, published.row_counts


def test_the_duckdb_cli_is_version_1(moved):
    result = subprocess.run([str(DUCKDB_1X_CLI), "--version"], capture_output=True, text=True)
    assert result.stdout.startswith("v1."), result.stdout


def test_every_public_relation_is_counted_from_the_copy_by_duckdb_1x_and_2x(moved):
    serving, expected = moved
    assert {
        "marts.answer_shares",
        "marts.fct_response_answers",
        "marts.dim_respondent",
        "audit.share_checks",
    } <= set(expected)
    before = files_under(serving)
    sql = " union all ".join(f"select '{name}', count(*) from {name}" for name in sorted(expected))
    with duckdb.connect(str(serving / "tendensen.duckdb"), read_only=True) as con:
        assert dict(con.execute(sql).fetchall()) == expected  # Python DuckDB 2.x
    counted = dict(line.split(",") for line in cli_1x(serving / "tendensen.duckdb", sql).splitlines())
    assert {name: int(rows) for name, rows in counted.items()} == expected  # the 1.x CLI
    assert expected["marts.fct_response_answers"] > 0
    # Read-only clients wrote nothing (no WAL, no temp file): a read-only mount would do.
    assert files_under(serving) == before


def test_every_public_mart_is_read_from_the_copied_parquet_by_duckdb_1x_and_2x(moved):
    serving, expected = moved
    current = serving / "parquet" / "current"
    marts = {name.split(".", 1)[1]: rows for name, rows in expected.items() if name.startswith("marts.")}
    for name, rows in marts.items():
        pattern = (
            f"parquet/current/{name}.parquet"
            if (current / f"{name}.parquet").exists()
            else f"parquet/current/{name}/*.parquet"
        )
        sql = f"select count(*) from read_parquet('{pattern}', union_by_name = true)"
        assert int(cli_1x(None, sql, cwd=serving)) == rows, name
        with duckdb.connect() as con:  # not duckdb's default connection: another test may use it
            assert con.execute(sql.replace("parquet/current", str(current))).fetchall() == [(rows,)], name


def test_sqlalchemy_reads_the_copy(moved):
    sqlalchemy = pytest.importorskip("sqlalchemy")
    serving, expected = moved
    engine = sqlalchemy.create_engine(f"duckdb:///{serving / 'tendensen.duckdb'}?access_mode=read_only")
    try:
        with engine.connect() as con:
            rows = con.execute(sqlalchemy.text("select count(*) from marts.dim_respondent")).scalar()
    finally:
        engine.dispose()
    assert rows == expected["marts.dim_respondent"]


def documented_queries() -> dict[str, list[str]]:
    """Every `sql` block of the README and of docs/, by file. docs/queries.md is left out:
    tests/test_analyst_queries.py runs each of its queries and checks the answers."""
    files = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
    blocks = {
        str(path.relative_to(REPO_ROOT)): _SQL_BLOCK.findall(path.read_text(encoding="utf-8"))
        for path in files
        if path.name != "queries.md"
    }
    return {name: found for name, found in blocks.items() if found}


def test_the_documented_queries_run_in_the_duckdb_1x_cli(moved):
    serving, _ = moved
    documented = documented_queries()
    # the README's own examples, and those that moved from it to docs/ (issue 18)
    assert {"README.md", "docs/operating.md", "docs/adding_an_edition.md"} <= set(documented)
    for sql in (sql for blocks in documented.values() for sql in blocks):
        output = cli_1x(serving / "tendensen.duckdb", sql)  # every block runs without error
        if "'2099'" in sql:
            # the synthetic worked example of docs/adding_an_edition.md: its rows exist only in
            # the project copy of tests/test_adding_an_edition.py, never in the real seeds
            continue
        assert output.strip(), sql


def test_nothing_shared_names_the_build_path(built_warehouse, tmp_path):
    """The serving copy, its Parquet (data and metadata), GX Data Docs and the HTML report
    carry no absolute path of the machine that built them."""
    data = built_warehouse.path.parent
    report = build_report(built_warehouse.path, tmp_path / "report")
    shared = [*(data / "serving").rglob("*"), *(data / "gx_docs").rglob("*"), report]
    files = [path for path in shared if path.is_file()]
    assert any(path.suffix == ".parquet" for path in files) and any(path.suffix == ".html" for path in files)
    needles = [str(data).encode(), str(data.resolve()).encode(), str(REPO_ROOT).encode()]
    leaking = [
        str(path.relative_to(data) if data in path.parents else path.name)
        for path in files
        if any(needle in path.read_bytes() for needle in needles)
    ]
    assert leaking == []
