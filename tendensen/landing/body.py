"""The body of an export (every respondent row) mapped, checked and written by DuckDB.

Python has parsed the header rows into a `Layout` (`layout`, by the export's format module:
tendensen/landing/formats) and indexed the records (`records`);
everything that grows with the number of respondents happens here, in SQL over
`read_csv(header = false, all_varchar = true, null_padding = true, ...)`:

1. `rows`: one row per record, in file order. Every answer cell is looked up among the exact
   labels its column may hold (a CASE per column, built from the codebook) and kept as a small
   int "label id" (lid); `lids` lists the non-empty cells in column order. A cell that is not
   an exact label gets -<column number>. The respondent id (the layout's `respondent_id`
   column) is stripped, checked and hashed (sha256(salt || edition || audience || id), as
   `anonymise.respondent_key`), and the labels that exist in one language only are counted
   for the respondent's language. Rows the layout keeps apart (`keep_apart`: e.g. unfinished
   Qualtrics responses) are marked `kept`: counted, never landed, never a problem.
2. Rows with a cell that is not an exact label, or with more non-empty cells in a multi-choice
   question than it allows ("suspect" rows, normally none), keep their raw cells. Their
   distinct inexact labels are matched after normalisation in Python (`resolve_cell`: there
   are few; a cell of a joined multi-choice column gives one lid per option it names), then
   these rows are mapped again through a join, and their unknown labels and extra ticks
   become problems.
3. Problems of whole rows: width (from the record index: truncated line / too many fields),
   missing or non-numeric Respondent IDs, duplicates (the first row wins).
4. The three parquet files: respondents and answers of the rows without problems (answers:
   one row per lid, looked up in constant lists), and the quarantine.

The empty string and a missing trailing field are told apart by giving DuckDB a NULL string
that no export contains (`MISSING`): padded fields are NULL, empty cells ''.

Order: DuckDB runs on one thread here (`land.py`), so each statement reads and writes rows in
file order and the landed files keep it (respondents in file order, answers per respondent in
column order) without a sort. The CSV reader is sequential anyway: null padding of a file with
quoted line breaks needs `parallel = false`. (A list that an UPDATE changes moves its row to the
end of the table, so step 2 rebuilds the table sorted instead.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from tendensen.landing.codebook import Codebook
from tendensen.landing.errors import Problem
from tendensen.landing.layout import Column, Layout, RespondentId, resolve_cell, unknown_reason
from tendensen.landing.records import RecordIndex
from tendensen.warehouse import literal

MISSING = "\u2400 no such field \u2400"  # read_csv's NULL string: never in an export
# The whitespace of Python's str.strip() (str.isspace(); U+3000 is the last), for RE2
_SPACE = "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x3001)) if c.isspace())
STRIP = f"^[{_SPACE}]+|[{_SPACE}]+$"


class RecordsDisagree(Exception):
    """DuckDB did not read as many records as the index found: read the file another way."""


@dataclass(frozen=True)
class Export:
    """The constant columns of the landed files."""

    file: str  # export_file: the name only
    export_id: str
    edition_id: str
    audience: str
    is_synthetic: bool
    landing_id: str  # export_id:salt fingerprint (tendensen/landing/salt.py)


@dataclass
class Body:
    """What landing the body gave: counts, and the problems the report lists."""

    respondents: int = 0
    answers: int = 0
    quarantined: int = 0  # respondent rows
    kept_apart: int = 0  # respondent rows the layout keeps apart (Layout.keep_apart)
    kept_apart_lines: list[int] = field(default_factory=list)  # the first few, for the report
    problems: list[Problem] = field(default_factory=list)  # the first `limit`, in file order
    n_problems: int = 0  # quarantined cells
    blank_lines: list[int] = field(default_factory=list)  # skipped, after the header


def _label_ids(layout: Layout) -> list[tuple[int, int, int, str]]:
    """(column number, answer code, language bits, label) per exact label a cell may hold;
    lid = position + 1. Dutch-only labels first, then French-only, then labels of both
    languages, so that a respondent's language is two range counts over `lids`."""
    out = []
    for bits in (1, 2, 3):
        for column in layout.answer_columns:
            out += [
                (column.number, code, bits, label)
                for label, (code, label_bits) in column.exact.items()
                if label_bits == bits
            ]
    return out


def _csv(path: Path, n_fields: int) -> str:
    columns = ", ".join(f"'c{j}': 'VARCHAR'" for j in range(1, n_fields + 2))
    return (
        f"read_csv({literal(str(path))}, header = false, skip = 0, auto_detect = false, "
        f"all_varchar = true, columns = {{{columns}}}, delim = ',', quote = '\"', "
        f"escape = '\"', null_padding = true, strict_mode = false, parallel = false, "
        f"nullstr = {literal(MISSING)}, encoding = 'utf-8')"
    )


def _rows_sql(path: Path, layout: Layout, lids: list[tuple[int, int, int, str]]) -> str:
    """Step 1: the `rows` table (see the module docstring)."""
    n = layout.n_fields
    answer = layout.answer_columns
    by_column: dict[int, list[str]] = {}
    for lid, (number, _, _, label) in enumerate(lids, 1):
        by_column.setdefault(number, []).append(f"when {literal(label)} then {lid}")
    cases = ",\n".join(
        f"(case c{c.number} when '' then null {' '.join(by_column.get(c.number, []))} "
        f"else {-c.number} end)::smallint as e{c.number}"
        for c in answer
    )
    last_nl = sum(1 for x in lids if x[2] == 1)
    last_fr = last_nl + sum(1 for x in lids if x[2] == 2)
    too_many = [
        f"({' + '.join(f'(e{c.number} is not null)::int' for c in cols)}) > {cols[0].max_choices}"
        for cols in _multi_blocks(layout).values()
        if cols[0].max_choices
    ]
    suspect = " or ".join(["coalesce(list_min(lids) < 0, false)", *too_many])
    raw = ", ".join(f"{{'j': {c.number}, 'v': c{c.number}}}" for c in answer)
    cells = ", ".join(f"c{c.number}" for c in answer)
    codes = ", ".join(f"e{c.number}" for c in answer)
    rid = layout.respondent_id
    return f"""
        create table rows as
        select r, width, rid, kept, sha256($prefix || rid) as key, lids,
               len(list_filter(lids, lambda x: x between 1 and {last_nl}))::integer as nl,
               len(list_filter(lids, lambda x: x between {last_nl + 1} and {last_fr}))::integer
                   as fr,
               suspect,
               case when suspect then list_filter([{raw}], lambda s: s.v <> '') end as cells,
               false as bad
        from (
            select *, not kept and ({suspect}) as suspect
            from (
                select r, width, rid, kept, {cells}, {codes},
                       list_filter([{codes}], lambda x: x is not null) as lids
                from (
                    select r, {cells},
                           case when c{n} is null then 1 when c{n + 1} is not null then 2
                                else 0 end::tinyint as width,
                           case when regexp_full_match(c{rid.column}, {literal(rid.pattern)})
                                then c{rid.column}
                                else regexp_replace(c{rid.column}, {literal(STRIP)}, '', 'g')
                           end as rid,
                           {_kept_sql(layout)} as kept,
                           {cases}
                    from (select row_number() over () as r, * from {_csv(path, n)})
                    where r > {layout.header_rows}
                )
            )
        )
    """


def _kept_sql(layout: Layout) -> str:
    """True for a row of the right width that the layout keeps apart (Layout.keep_apart)."""
    apart = layout.keep_apart
    if apart is None:
        return "false"
    values = ", ".join(literal(v.casefold()) for v in apart.values)
    n = layout.n_fields
    return (
        f"(c{n} is not null and c{n + 1} is null "
        f"and lower(regexp_replace(c{apart.column}, {literal(STRIP)}, '', 'g')) in ({values}))"
    )


def _multi_blocks(layout: Layout) -> dict[str, list[Column]]:
    blocks: dict[str, list[Column]] = {}
    for column in layout.answer_columns:
        if column.role == "multi":
            blocks.setdefault(column.question_id, []).append(column)
    return blocks


class BodyLanding:
    """Steps 1-4 on one DuckDB connection. `read` (step 1, the one pass over the CSV) needs
    only the header; `finish` needs the record index too, so the two can be apart: land.py
    runs `read` while the file is still being hashed and indexed in another thread."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, layout: Layout, key_prefix: str):
        self.con, self.path, self.layout = con, path, layout
        self.key_prefix = key_prefix  # salt + edition_id + audience: a parameter, never SQL text
        self.lids = _label_ids(layout)

    def read(self) -> None:
        self.con.execute(_rows_sql(self.path, self.layout, self.lids), {"prefix": self.key_prefix})

    def finish(
        self, records: RecordIndex, codebook: Codebook, export: Export, outputs: dict[str, str], limit: int
    ) -> Body:
        """Check, map what step 1 could not, and write the three parquet files (`outputs`:
        kind -> path); `limit` problems are returned for the report."""
        con = self.con
        n_rows = con.execute("select count(*) from rows").fetchone()[0]
        header = self.layout.header_rows
        if n_rows + min(len(records), header) != len(records):
            raise RecordsDisagree(f"DuckDB read {n_rows} rows, the index has {len(records) - header}")
        _map_suspect_rows(con, self.layout, codebook, self.lids)
        body = _problems(con, records, self.layout, limit)
        body.blank_lines = records.blank_lines
        con.execute("update rows set bad = true where kept or r in (select r from problems)")
        if self.layout.keep_apart is not None:
            body.kept_apart, lines = con.execute(
                "select count(*), list(l.line order by r)[1:10] from rows join lines l using (r) "
                "where kept and r not in (select r from problems)"
            ).fetchone()
            body.kept_apart_lines = list(lines or [])
        body.respondents, body.answers = con.execute(
            "select count(*), coalesce(sum(len(lids)), 0) from rows where not bad"
        ).fetchone()
        _write(con, self.layout, self.lids, outputs, export)
        return body


def _table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register("_frame", frame)
    con.execute(f"create or replace temp table {name} as select * from _frame")
    con.unregister("_frame")


def _map_suspect_rows(
    con: duckdb.DuckDBPyConnection, layout: Layout, codebook: Codebook, lids: list[tuple[int, int, int, str]]
) -> None:
    """Step 2: normalised matches, unknown labels and extra ticks of the suspect rows."""
    con.execute("""
        create temp table cells as
        select r, s.j::integer as j, s.v as v
        from (select r, unnest(cells) as s from rows where suspect and width = 0)""")
    exact = pd.DataFrame(
        [(number, label, lid) for lid, (number, _, _, label) in enumerate(lids, 1)], columns=["j", "v", "lid"]
    ).astype({"j": "int32", "lid": "int32"})
    _table(con, "labels", exact)
    columns = {c.number: c for c in layout.answer_columns}
    n_exact = len(lids)
    found, unknown = [], []
    inexact = con.execute("""
        select distinct j, v from cells anti join labels using (j, v) order by j, v""").fetchall()
    for number, value in inexact:
        column = columns[number]
        hits = resolve_cell(column, value, codebook)
        if hits is None:
            unknown.append((number, value, unknown_reason(column, value)))
        for code, bits in hits or ():  # a joined multi-choice cell: one lid per option
            lids.append((number, code, bits, value))
            found.append((number, value, len(lids)))
    if found:
        _table(
            con,
            "found",
            pd.DataFrame(found, columns=["j", "v", "lid"]).astype({"j": "int32", "lid": "int32"}),
        )
        con.execute("insert into labels select * from found")
    _table(
        con,
        "unknown",
        pd.DataFrame(unknown, columns=["j", "v", "reason"]).astype(
            {"j": "int32", "v": "object", "reason": "object"}
        ),
    )
    info = pd.DataFrame(
        [
            (lid, bits, columns[number].question_id, columns[number].role, columns[number].max_choices)
            for lid, (number, _, bits, _) in enumerate(lids, 1)
        ],
        columns=["lid", "bits", "question_id", "role", "max_choices"],
    ).astype({"lid": "int32", "bits": "int32", "max_choices": "Int32"})
    _table(con, "lid_info", info)
    con.execute("""
        create temp table mapped as
        select c.r, c.j, c.v, l.lid, i.bits, i.question_id, i.role, i.max_choices
        from cells c left join labels l using (j, v) left join lid_info i using (lid)""")
    # Rows with a label matched after normalisation get their lids and language again. Not by
    # UPDATE: DuckDB moves a row whose list changes to the end of the table, and the row order
    # is the file order. Rebuilding the table sorted costs a sort, paid only by such files.
    fixed = con.execute(f"""
        select count(distinct r) from mapped where lid > {n_exact}""").fetchone()[0]
    if fixed:
        con.execute(f"""
            create temp table fixed as
            select r, coalesce(list(lid order by j, lid) filter (where lid is not null),
                               []::smallint[])::smallint[] as lids,
                   count(*) filter (where bits = 1)::integer as nl,
                   count(*) filter (where bits = 2)::integer as fr
            from mapped where r in (select r from mapped where lid > {n_exact}) group by r""")
        con.execute("set preserve_insertion_order = true")
        con.execute("""
            create table rows_fixed as
            select rows.* replace (coalesce(f.lids, rows.lids) as lids,
                                   coalesce(f.nl, rows.nl) as nl, coalesce(f.fr, rows.fr) as fr)
            from rows left join fixed f using (r) order by r""")
        con.execute("set preserve_insertion_order = false")
        con.execute("drop table rows")
        con.execute("alter table rows_fixed rename to rows")


# What the quarantine keeps of an offending cell. A cell that is not a codebook label may be
# anything a respondent typed (a name, an e-mail, a phone number): only its shape is kept,
# enough to tell a "Numerical value" export (digits) from text; the row and column point to
# the cell in the export itself. A surplus tick (phase 2) is a codebook label: kept as it is.
REDACTED = """case when p.raw_value is null then null
                    when p.phase = 2 then p.raw_value
                    when regexp_full_match(p.raw_value, '[0-9]+')
                    then format('(redacted: a number of {} digit(s))', length(p.raw_value))
                    else format('(redacted: text of {} character(s))', length(p.raw_value)) end"""


def _problems(con: duckdb.DuckDBPyConnection, records: RecordIndex, layout: Layout, limit: int) -> Body:
    """Step 3: the table `problems` (one row per offending cell, with its line and the column's
    header text) and the first `limit` of them as Problems, in the order the report lists them:
    by row; in a row the width or Respondent ID problem, then unknown labels by column, then
    extra ticks."""
    con.execute("""
        create temp table problems (r bigint, phase integer, column_number integer,
                                    raw_value varchar, reason varchar, first_r bigint)""")
    # unknown labels and extra ticks (suspect rows only)
    con.execute("""
        insert into problems
        select m.r, 1, m.j, m.v, u.reason, null from mapped m join unknown u using (j, v)
        where m.lid is null""")
    con.execute("""
        insert into problems
        select r, 2, j, v, format('{} options ticked for question "{}" (max_choices {})',
                                  n, question_id, max_choices), null
        from (select *, count(*) over (partition by r, question_id) as n,
                     row_number() over (partition by r, question_id order by j) as k
              from mapped where lid is not null and role in ('multi', 'multi_joined')
                   and max_choices > 0)
        where n > max_choices and k = max_choices + 1""")
    _respondent_id_problems(con, layout.respondent_id)
    # width: how many fields, as the csv module counts them (few rows)
    n = layout.n_fields
    wrong = [r for (r,) in con.execute("select r from rows where width <> 0 order by r").fetchall()]
    width = []
    for r, k in zip(wrong, records.field_counts([r - 1 for r in wrong]), strict=True):
        if k < n:
            width.append((r, k + 1, f"truncated line: {k} of {n} fields"))
        elif k > n:
            width.append((r, n + 1, f"too many fields: {k} instead of {n}"))
    if len(width) != len(wrong):
        raise RecordsDisagree("a row DuckDB read as too short or too long has the right width")
    _table(
        con,
        "width",
        pd.DataFrame(width, columns=["r", "column_number", "reason"]).astype(
            {"r": "int64", "column_number": "int32", "reason": "object"}
        ),
    )
    con.execute("""
        insert into problems select r, 0, column_number, null, reason, null from width""")
    # lines and column names
    _table(
        con,
        "lines",
        pd.DataFrame(
            {"r": np.arange(1, len(records) + 1, dtype=np.int64), "line": records.lines.astype(np.int64)}
        ),
    )
    _table(
        con,
        "column_names",
        pd.DataFrame(
            {
                "column_number": [c.number for c in layout.columns],
                "column_name": [c.name for c in layout.columns],
            }
        ).astype({"column_number": "int32"}),
    )
    con.execute(
        """
        create temp table quarantine_raw as
        select l.line::integer as row_number, p.column_number::integer as column_number,
               n.column_name, """
        + REDACTED
        + f""" as redacted_value,
               coalesce(p.reason, format({literal(_duplicate_reason(layout.respondent_id))},
                                         f.line)) as reason,
               p.r, p.phase
        from problems p join lines l using (r) left join lines f on f.r = p.first_r
        left join column_names n using (column_number)"""
    )
    body = Body()
    body.quarantined, body.n_problems = con.execute(
        "select count(distinct r), count(*) from problems"
    ).fetchone()
    body.problems = [
        Problem(*row)
        for row in con.execute(f"""
        select row_number, column_number, column_name, redacted_value, reason from quarantine_raw
        order by r, phase, column_number limit {int(limit)}""").fetchall()
    ]
    return body


def _respondent_id_problems(con: duckdb.DuckDBPyConnection, rule: RespondentId) -> None:
    """Missing, invalid and duplicate respondent ids (rows of the right width that are not
    kept apart): problems of the id column. A duplicate's reason is written later, when the
    first row's line is known (`_duplicate_reason`)."""
    pattern = literal(rule.pattern)
    others = [
        rid
        for (rid,) in con.execute(f"""
        select distinct rid from rows
        where width = 0 and not kept and rid <> '' and not regexp_full_match(rid, {pattern})""").fetchall()
    ]
    also = [r for r in others if rule.also_valid is not None and rule.also_valid(r)]
    _table(con, "also_valid_ids", pd.DataFrame({"rid": also}, dtype=object))
    con.execute(f"""
        create temp table ids as
        select r, rid, rid <> '' and (regexp_full_match(rid, {pattern})
                                      or rid in (select rid from also_valid_ids)) as valid
        from rows where width = 0 and not kept""")
    reasons = " ".join(
        f"when regexp_full_match(rid, {literal(invalid)}) then {literal(reason)}"
        for invalid, reason in rule.invalid
    )
    con.execute(f"""
        insert into problems
        select r, 0, {rule.column}, null,
               case when rid = '' then {literal("missing " + rule.name)} {reasons}
                    else {literal(rule.otherwise)} end, null
        from ids where not valid""")
    con.execute(f"""
        insert into problems  -- duplicates: the reason names the first row, a line (below)
        select r, 0, {rule.column}, null, null, first_r
        from ids join (select rid, min(r) as first_r from ids where valid
                       group by rid having count(*) > 1) using (rid)
        where r > first_r""")


def _duplicate_reason(rule: RespondentId) -> str:
    """The format() pattern of a duplicate id's reason; {} is the line of the first row."""
    return f"duplicate {rule.name} (first seen on row {{}})"


def _enum(con: duckdb.DuckDBPyConnection, name: str, values) -> str:
    """A SQL type for a column of these few strings: an ENUM (or VARCHAR when there are none).

    Why: DuckDB's parquet writer hashes every value of a VARCHAR column into the column
    chunk's dictionary (a second or more for tens of millions of answers), but writes an ENUM
    column straight from the ENUM's dictionary. The file is the same either way (BYTE_ARRAY
    UTF8, dictionary encoded) and reads back as VARCHAR.
    """
    values = sorted({v for v in values if v is not None})
    if not values:
        return "varchar"
    con.execute(f"create type {name} as enum ({', '.join(literal(v) for v in values)})")
    return name


def _write(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    lids: list[tuple[int, int, int, str]],
    outputs: dict[str, str],
    export: Export,
) -> None:
    """Step 4: the three parquet files, rows in file order, columns as docs/landing.md lists
    them (names, order, types)."""

    def constant(name: str, value: str) -> str:
        return f"{literal(value)}::{_enum(con, name + '_t', [value])} as {name}"

    def ids(position: int, name: str) -> str:
        values = [layout.codes[code][position] for (_, code, _, _) in lids]
        kind = _enum(con, name + "_t", values)
        listed = ", ".join("null" if v is None else literal(v) for v in values)
        return f"([{listed}]::{kind}[])[lid] as {name}"

    edition = constant("edition_id", export.edition_id)
    audience = constant("audience", export.audience)
    synthetic = f"{'true' if export.is_synthetic else 'false'} as is_synthetic"
    export_id = constant("export_id", export.export_id)
    landing = constant("landing_id", export.landing_id)
    language = _enum(con, "language_t", ["nl", "fr"])
    queries = {
        "answers": f"""
            select key as respondent_key, {edition}, {audience}, {ids(0, "question_id")},
                   {ids(1, "item_id")}, {ids(2, "option_id")}, {synthetic}, {export_id},
                   {landing}
            from (select key, unnest(lids) as lid from rows where not bad)""",
        "respondents": f"""
            select key as respondent_key, {edition}, {audience},
                   (case when fr > nl then 'fr' when nl > fr then 'nl'
                         else {literal(layout.language)} end)::{language} as language,
                   {synthetic}, {export_id}, {landing}
            from rows where not bad""",
        "quarantine": f"""
            select {literal(export.export_id)} as export_id, {literal(export.file)} as export_file,
                   row_number, column_number, column_name, redacted_value, reason,
                   {literal(export.landing_id)} as landing_id
            from quarantine_raw order by row_number, column_number""",
    }
    for kind, query in queries.items():
        con.execute(f"copy ({query}) to {literal(outputs[kind])} (format parquet)")
