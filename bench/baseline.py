"""Run bench/baseline.sql: raw export CSVs -> shares, one DuckDB statement over every export.

    python bench/baseline.py OUT.duckdb EXPORT.csv [EXPORT.csv ...]

Edition and audience come from the export's file name (`<edition>_<audience>_*.csv`).
Why each step is needed (and nothing simpler is correct): the comments of bench/baseline.sql.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).with_name("baseline.sql")
NAME = re.compile(r"^(\d{4}(?:-\d{2})?)_([a-z]+)")
MIN_BASE = 10  # dbt var min_respondents_per_share
MAX_QUARANTINED_SHARE = 0.05  # tendensen/landing/land.py: more and the export is refused
ID_OK = "#id_ok"  # counted pseudo-column: 1 when the Respondent ID is present and numeric, else 0


class BaselineRefuses(Exception):
    """An export the baseline cannot count as the pipeline would."""


def sections(script: str) -> dict[str, str]:
    parts = re.split(r"^-- @(\w+)\s*$", script, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def export_select(export: Path, columns: list[tuple], row_filter: str, id_column: str) -> str:
    """One export's rows as the count needs them: its answer columns (empty cells NULL), a tick
    count per multi-choice question, and whether the Respondent ID is present and numeric."""
    cells = [f"nullif({quote(name)}, '') as {quote(name)}" for name, *_ in columns]
    multi: dict[str, list[str]] = {}
    for name, question_id, question_type, *_ in columns:
        if question_type == "multi_choice":
            multi.setdefault(question_id, []).append(name)
    ticks = []
    for qid, names in multi.items():
        ticked = " + ".join(f"(nullif({quote(c)}, '') is not null)::int" for c in names)
        ticks.append(f"cast({ticked} as varchar) as {quote('n:' + qid)}")
    id_ok = f"coalesce(regexp_full_match(trim({quote(id_column)}), '[0-9]+'), false)::int::varchar"
    return f"""
            select {id_ok} as {quote(ID_OK)}, {", ".join(cells + ticks)}
            from read_csv({literal(str(export))}, header = false, all_varchar = true, skip = 2)
            {row_filter}"""


def count_sql(selects: list[tuple[str, str, str]]) -> str:
    """THE pass: every export parsed, unpivoted and counted per (column, value) in one statement.
    `selects`: (edition_id, audience, export_select) per export."""
    unpivots = "\n        union all".join(
        f"""
        select {literal(edition_id)} as edition_id, {literal(audience)} as audience, name, value
        from (unpivot ({select}) on columns(*) into name name value value)"""
        for edition_id, audience, select in selects
    )
    return f"""
        insert into counts
        select edition_id, audience, name, value, count(*)
        from ({unpivots})
        group by all"""


def clean_rows(con: duckdb.DuckDBPyConnection, columns: list[tuple], id_column: str) -> str:
    """WHERE clause keeping the rows the landing keeps (no unknown label, no surplus ticks, a
    numeric Respondent ID): for exports where the single pass found quarantined rows."""
    labels: dict[tuple[str, str | None], list[str]] = {}
    for question_id, option_id, label in con.execute(
        "select question_id, option_id, label from labels where kind = 'option'"
    ).fetchall():
        labels.setdefault((question_id, None), []).append(label)
        labels.setdefault((question_id, option_id), []).append(label)
    conditions = [f"regexp_full_match(trim({quote(id_column)}), '[0-9]+')"]
    multi: dict[str, tuple[int | None, list[str]]] = {}
    for name, question_id, question_type, max_choices, _item, column_option in columns:
        known = ", ".join(literal(label) for label in labels.get((question_id, column_option), []))
        conditions.append(
            f"(nullif({quote(name)}, '') is null or lower(trim({quote(name)})) in ({known or 'null'}))"
        )
        if question_type == "multi_choice":
            multi.setdefault(question_id, (max_choices, []))[1].append(name)
    for max_choices, names in multi.values():
        if max_choices:
            ticks = " + ".join(f"(nullif({quote(c)}, '') is not null)::int" for c in names)
            conditions.append(f"({ticks}) <= {max_choices}")
    return "where " + "\n and ".join(conditions)


def quarantined_groups(con: duckdb.DuckDBPyConnection, edition_id: str, audience: str) -> int:
    """Evidence in the counted groups of rows the landing would quarantine (0: none)."""
    params = [edition_id, audience]
    unknown = con.execute(
        """
        select count(*) from counts join columns_map using (edition_id, audience, name)
        where edition_id = ? and audience = ? and not exists (
            select 1 from labels where kind = 'option' and labels.question_id = columns_map.question_id
               and labels.label = lower(trim(counts.value))
               and (columns_map.column_option_id is null or labels.option_id = columns_map.column_option_id))""",
        params,
    ).fetchone()[0]
    surplus = con.execute(
        """
        select count(*) from counts join questions on counts.name = 'n:' || questions.question_id
        where edition_id = ? and audience = ? and questions.max_choices > 0
          and cast(counts.value as integer) > questions.max_choices""",
        params,
    ).fetchone()[0]
    bad_ids = con.execute(
        f"select count(*) from counts where edition_id = ? and audience = ? and name = '{ID_OK}' and value = '0'",
        params,
    ).fetchone()[0]
    return unknown + surplus + bad_ids


def rows_counted(con: duckdb.DuckDBPyConnection, edition_id: str, audience: str) -> int:
    return (
        con.execute(
            f"select sum(n) from counts where edition_id = ? and audience = ? and name = '{ID_OK}'",
            [edition_id, audience],
        ).fetchone()[0]
        or 0
    )


@dataclass
class Export:
    path: Path
    edition_id: str
    audience: str
    columns: list[tuple]  # (name, question_id, question_type, max_choices, item_id, column_option_id)
    id_column: str


def read_header(con: duckdb.DuckDBPyConnection, parts: dict[str, str], path: Path) -> Export:
    """The export's two header rows mapped to codebook questions (columns_map): a tiny read."""
    match = NAME.match(path.name)
    if not match:
        raise BaselineRefuses(f"{path}: the name must start with <edition>_<audience>_")
    edition_id, audience = match.groups()
    con.execute(
        parts["header"]
        .replace("{path}", str(path))
        .replace("{edition_id}", edition_id)
        .replace("{audience}", audience)
    )
    columns = con.execute(
        """
        select name, question_id, question_type, max_choices, item_id, column_option_id
        from columns_map where edition_id = ? and audience = ? order by name""",
        [edition_id, audience],
    ).fetchall()
    if not columns:
        raise BaselineRefuses(f"{path}: no answer column maps to a codebook question")
    # DuckDB names headerless columns column0..column9 or column000.. by their count
    id_column = con.execute("select name from header order by col limit 1").fetchone()[0]
    return Export(path, edition_id, audience, columns, id_column)


def count_again_without_quarantined_rows(con: duckdb.DuckDBPyConnection, export: Export) -> None:
    """The rare slow path: count an export again without the rows the landing quarantines."""
    key = [export.edition_id, export.audience]
    rows = rows_counted(con, *key)
    con.execute("delete from counts where edition_id = ? and audience = ?", key)
    row_filter = clean_rows(con, export.columns, export.id_column)
    select = export_select(export.path, export.columns, row_filter, export.id_column)
    con.execute(count_sql([(export.edition_id, export.audience, select)]))
    kept = rows_counted(con, *key)
    if rows - kept > MAX_QUARANTINED_SHARE * rows:
        raise BaselineRefuses(
            f"{export.path}: {rows - kept} of {rows} rows would be quarantined; the landing refuses such an export"
        )


def run_baseline(out: Path, exports: list[Path]) -> int:
    """DuckDB with its defaults (all cores, 80% of RAM): the limit of the machine."""
    parts = sections(SCRIPT.read_text(encoding="utf-8"))
    con = duckdb.connect(str(out))
    try:
        con.execute("set enable_progress_bar = false")
        con.execute(parts["setup"].replace("{seeds}", str(REPO / "seeds")))
        if con.execute("""select count(*) from options o join questions q using (question_id)
                          where o.subtotal_option_id is not null and q.question_type = 'multi_choice'""").fetchone()[
            0
        ]:
            raise BaselineRefuses("a multi-choice subtotal: the sum of its parts would double-count")
        headers = [read_header(con, parts, path) for path in exports]
        keys = [(export.edition_id, export.audience) for export in headers]
        if len(set(keys)) != len(keys):
            raise BaselineRefuses(
                "two exports of one edition and audience: the landing keeps one, name which"
            )
        con.execute(
            count_sql(
                [
                    (e.edition_id, e.audience, export_select(e.path, e.columns, "", e.id_column))
                    for e in headers
                ]
            )
        )
        for export in headers:
            if quarantined_groups(con, export.edition_id, export.audience):
                count_again_without_quarantined_rows(con, export)
        con.execute(parts["mapped"])
        con.execute(parts["shares"].replace("{min_base}", str(MIN_BASE)))
        return con.execute("select count(*) from shares").fetchone()[0]
    finally:
        con.close()


def differences(warehouse: Path, baseline: Path) -> list[tuple]:
    """Shares where the pipeline's warehouse (marts.fct_answer_shares, source 'responses') and
    a baseline's output differ, in pct (to 1e-9) or n_base, either side missing; [] when equal."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{warehouse}' as pipeline (read_only)")
        con.execute(f"attach '{baseline}' as baseline (read_only)")
        return con.execute("""
            with pipeline as (
                select edition_id, audience, coalesce(item_key, '') as item_key, option_key,
                       round(pct, 9) as pct, n_base
                from pipeline.marts.fct_answer_shares where source = 'responses'),
            baseline as (
                select edition_id, audience,
                       coalesce(question_id || '/' || item_id, '') as item_key,  -- '': joins, unlike NULL
                       question_id || '/' || option_id as option_key, round(pct, 9) as pct, n_base
                from baseline.shares)
            select edition_id, audience, item_key, option_key, pipeline.pct, pipeline.n_base,
                   baseline.pct, baseline.n_base
            from pipeline full join baseline using (edition_id, audience, item_key, option_key)
            where pipeline.n_base is distinct from baseline.n_base or pipeline.pct is distinct from baseline.pct
            order by all""").fetchall()
    finally:
        con.close()


if __name__ == "__main__":
    started = time.perf_counter()
    rows = run_baseline(Path(sys.argv[1]), [Path(arg) for arg in sys.argv[2:]])
    print(f"{rows} shares in {time.perf_counter() - started:.2f} s")
