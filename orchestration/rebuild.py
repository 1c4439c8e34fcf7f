"""`make rebuild`: move the warehouse aside and build it again from the seeds and data/landed.

For a damaged warehouse (a truncated file, a disk error): the landed exports, the salt and
the serving copy are kept; the old file stays beside the new one as
`warehouse.duckdb.damaged-<time>` for whoever wants to recover its audit history.
"""

from __future__ import annotations

import sys

from tendensen.faults import set_aside
from tendensen.settings import warehouse_path


def main() -> int:
    from orchestration import run
    from tendensen.writer_lock import WarehouseBusy, hold_writer_lock

    path = warehouse_path()
    try:
        # the file is moved only while no other build writes it
        with hold_writer_lock("`make rebuild` (build_warehouse)", say=lambda line: print(line, flush=True)):
            aside = set_aside(path)
            if aside is not None:
                print(
                    f"Moved the warehouse aside to {aside}; building it again from the seeds and data/landed."
                )
            return run.build_and_report(path)
    except WarehouseBusy as busy:
        print(f"\n{busy}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
