"""Python's cyclic garbage collector, tuned for short batch processes.

Every process of this project (`make run`, a Dagster run, the `dbt` it starts, a test)
builds large object graphs once (the dagster, dbt and Great Expectations imports, the dbt
manifest) and keeps them until it exits. With Python's default threshold (a young-
generation collection every 700 net allocations) the collector walks those growing graphs
again and again (the saving, measured: bench/NOTES.md, "Timings once quoted in the code").

Cyclic garbage still gets collected, every 100,000 net allocations instead of 700; the
memory that counts here is DuckDB's, outside Python's heap and bounded by its own limit.

Not done, though it saves time too (same section): `gc.freeze()` at exit, which
skips the last collection. DuckDB's Python module then reports its never-freed objects
("nanobind: leaked 27 instances!") on every exit, noise in every dbt log.
"""

from __future__ import annotations

import gc

ALLOCATIONS_BEFORE_COLLECTING = 100_000


def tune_for_batch() -> None:
    """Collect young objects every 100,000 net allocations (the older generations as before)."""
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(ALLOCATIONS_BEFORE_COLLECTING, older, oldest)
