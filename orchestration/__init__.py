"""Dagster orchestration of the tendensen warehouse: the wiring (definitions, defs/ by area, run CLI).

The domain lives in the `tendensen` package; importing it tunes the collector and the umask.
"""

import tendensen  # noqa: F401  (its import tunes the collector and the umask)
