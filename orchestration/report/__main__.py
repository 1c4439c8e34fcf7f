"""`python -m orchestration.report [--out DIR] [--warehouse FILE]`: write the HTML report."""

from __future__ import annotations

import argparse
from pathlib import Path

from orchestration.report.build import write_report
from orchestration.settings import data_dir, warehouse_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.report", description=__doc__)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: <data dir>/report)")
    parser.add_argument("--warehouse", type=Path, default=None, help="warehouse file (default: WAREHOUSE_PATH)")
    args = parser.parse_args(argv)
    built = write_report(args.warehouse or warehouse_path(), args.out or data_dir() / "report")
    print(f"{built.path} ({built.chart_count} charts)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
