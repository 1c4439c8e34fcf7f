"""Progress of long loops, for people watching a terminal: count, share, rate.

Prints at most every `every_seconds` (and at the end), so a loop over a million rows costs a
clock read per row, not a line per row.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class Progress:
    """`label: 250,000 of 1,000,000 rows (25%), 41,000 rows/s`."""

    def __init__(
        self,
        label: str,
        total: int,
        *,
        unit: str = "rows",
        every_seconds: float = 5.0,
        say: Callable[[str], None] = _to_stderr,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.label, self.total, self.unit = label, total, unit
        self.every_seconds, self.say, self.clock = every_seconds, say, clock
        self.started = self.last = clock()

    def line(self, done: int) -> str:
        elapsed = max(self.clock() - self.started, 1e-9)
        share = f" ({100 * done / self.total:.0f}%)" if self.total else ""
        return (
            f"{self.label}: {done:,} of {self.total:,} {self.unit}{share}, "
            f"{done / elapsed:,.0f} {self.unit}/s"
        )

    def update(self, done: int) -> None:
        now = self.clock()
        if now - self.last >= self.every_seconds:
            self.last = now
            self.say(self.line(done))

    def finish(self, done: int) -> None:
        self.say(self.line(done) + f", done in {self.clock() - self.started:.1f} s")
