"""Run bench/baseline.sql: raw export CSVs -> shares, in one DuckDB process.

    python bench/baseline.py OUT.duckdb EXPORT.csv [EXPORT.csv ...]

Edition and audience come from the export's file name (`<edition>_<audience>_*.csv`).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).with_name("baseline.sql")
NAME = re.compile(r"^(\d{4}(?:-\d{2})?)_([a-z]+)")


def sections(script: str) -> dict[str, str]:
    parts = re.split(r"^-- @(\w+)\s*$", script, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def run_baseline(out: Path, exports: list[Path]) -> int:
    """DuckDB with its defaults (all cores, 80% of RAM): the limit of the machine."""
    parts = sections(SCRIPT.read_text(encoding="utf-8"))
    con = duckdb.connect(str(out))
    try:
        con.execute(parts["setup"].replace("{seeds}", str(REPO / "seeds")))
        for export in exports:
            edition_id, audience = NAME.match(export.name).groups()
            # DuckDB names headerless columns column0..column9 or column000.. by their count
            first_column = con.execute(
                f"select * from read_csv('{export}', header = false, all_varchar = true) limit 0"
            ).description[0][0]
            con.execute(parts["per_export"].replace("{path}", str(export)).replace("{first_column}", first_column)
                        .replace("{edition_id}", edition_id).replace("{audience}", audience))
        con.execute(parts["shares"])
        return con.execute("select count(*) from shares").fetchone()[0]
    finally:
        con.close()


if __name__ == "__main__":
    started = time.perf_counter()
    rows = run_baseline(Path(sys.argv[1]), [Path(arg) for arg in sys.argv[2:]])
    print(f"{rows} shares in {time.perf_counter() - started:.2f} s")
