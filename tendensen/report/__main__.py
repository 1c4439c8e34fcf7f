"""`python -m tendensen.report [--out DIR] [--warehouse FILE]`: write the HTML report.

Reads the validated serving copy by default (data/serving/tendensen.duckdb): what BI tools
see, and a file the pipeline never opens, so the report can never hold the writer's file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tendensen.report.build import write_report
from tendensen.settings import data_dir, serving_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tendensen.report", description=__doc__)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: <data dir>/report)")
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="DuckDB file with the marts and audit schemas (default: the serving copy)",
    )
    args = parser.parse_args(argv)
    source = args.warehouse or serving_path()
    if not source.exists():
        print(
            f"No warehouse to report on at {source}: run `make run` first "
            "(it publishes the serving copy), or pass --warehouse FILE.",
            file=sys.stderr,
        )
        return 2
    built = write_report(source, args.out or data_dir() / "report")
    print(f"{built.path} ({built.chart_count} charts)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
