"""One writer of the warehouse at a time, said in plain words.

DuckDB lets one process open a database file read-write; a second one gets a raw
`IOException: Could not set lock on file ...` (and the Great Expectations checks of a build
that met it fail). Dagster's run queue (orchestration/dagster.yaml) only holds back the runs
its daemon launches: `make run`, `dagster job execute`, `dbt` by hand and `make docs` pass by it.

So every writer takes an advisory lock (`fcntl.flock`) on `<warehouse>.writer.lock` beside
the warehouse for as long as it may write, and writes into the file who it is (pid, what,
since when). A second writer waits for it with a message saying so, up to a bound
(`TENDENSEN_WRITER_WAIT_SECONDS`, default 600 s), then stops with a sentence naming the
running build and what to do. The kernel releases the lock when its holder exits, however
it exits: a killed build never leaves a stale lock.

The writers: `make run` (orchestration/run.py), every Dagster run (the jobs' executor,
orchestration/executor.py) and every `dbt` that opens the warehouse (the dbt-duckdb plugin
tendensen/dbt/writer_lock_plugin.py, named in profiles.yml). A dbt that Dagster starts inside
a run is let through by a token the run hands it in `TENDENSEN_WRITER_TOKEN`.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from tendensen.settings import warehouse_path

WAIT_SECONDS_VARIABLE = "TENDENSEN_WRITER_WAIT_SECONDS"
TOKEN_VARIABLE = "TENDENSEN_WRITER_TOKEN"
DEFAULT_WAIT_SECONDS = 600.0
POLL_SECONDS = 0.5
ANNOUNCE_EVERY_SECONDS = 30.0


class WarehouseBusy(Exception):
    """Another writer held the warehouse for longer than this one would wait."""


@dataclass(frozen=True)
class Holder:
    """Who holds the lock, as written into the lock file."""

    pid: int
    what: str
    since: str
    token: str

    def describe(self) -> str:
        return f"{self.what} (pid {self.pid}, since {self.since})"


def lock_path(warehouse: Path | None = None) -> Path:
    target = warehouse or warehouse_path()
    return target.with_name(target.name + ".writer.lock")


def wait_seconds() -> float:
    """How long a second writer waits: `TENDENSEN_WRITER_WAIT_SECONDS` (0: refuse at once)."""
    value = os.environ.get(WAIT_SECONDS_VARIABLE, "")
    try:
        return max(0.0, float(value)) if value.strip() else DEFAULT_WAIT_SECONDS
    except ValueError:
        raise WarehouseBusy(f"{WAIT_SECONDS_VARIABLE}={value!r} is not a number of seconds.") from None


def current_holder(warehouse: Path | None = None) -> Holder | None:
    """Who holds the lock now, or None if nobody does (a left-over file names nobody)."""
    path = lock_path(warehouse)
    try:
        handle = path.open("r+", encoding="utf-8")
    except FileNotFoundError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(handle)  # held: the file says by whom
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None


def _read_holder(handle) -> Holder:
    handle.seek(0)
    try:
        return Holder(**json.loads(handle.read()))
    except (ValueError, TypeError):
        # held but not yet described (the holder is writing it) or from another version
        return Holder(pid=0, what="another writer", since="just now", token="")


def busy_message(holder: Holder, warehouse: Path, waited: float) -> str:
    waited_text = f" after waiting {waited:.0f} s" if waited >= 1 else ""
    return (
        f"The warehouse {warehouse} is being written by {holder.describe()}: DuckDB allows one "
        f"writer at a time, so this one stopped{waited_text}. Wait for that build to finish "
        f"(see the Dagster UI's Runs page, or `ps -p {holder.pid}`) and start this again, or "
        f"set {WAIT_SECONDS_VARIABLE} to wait longer. To read the data meanwhile, open the "
        f"serving copy read-only: it never blocks a build."
    )


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


_held: dict[Path, Holder] = {}  # locks this process holds: taking one again is a no-op


@contextmanager
def hold_writer_lock(
    what: str, *, warehouse: Path | None = None, wait: float | None = None, say: Callable[[str], None] = _say
) -> Iterator[Holder]:
    """Be the warehouse's one writer for the duration of the block.

    Waits (saying so through `say`, then every 30 s) while another process writes, at most
    `wait` seconds (`wait_seconds()` by default), then raises `WarehouseBusy` with a
    sentence naming the holder. Re-entrant within a process.
    """
    warehouse = warehouse or warehouse_path()
    path = lock_path(warehouse)
    if path in _held:
        yield _held[path]
        return
    limit = wait_seconds() if wait is None else wait
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        _acquire(handle, warehouse, limit, say)
        holder = Holder(
            pid=os.getpid(),
            what=what,
            token=uuid.uuid4().hex,
            since=datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
        )
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(holder.__dict__))
        handle.flush()
        _held[path] = holder
        # the dbt this process starts (dagster-dbt's subprocess) writes under this lock
        os.environ[TOKEN_VARIABLE] = holder.token
        try:
            yield holder
        finally:
            del _held[path]
            os.environ.pop(TOKEN_VARIABLE, None)
            handle.seek(0)
            handle.truncate()  # the file stays (others may hold it open); it names nobody
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


def _acquire(handle, warehouse: Path, limit: float, say: Callable[[str], None]) -> None:
    started = time.monotonic()
    announced_at = None
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if announced_at is not None:
                say(f"The warehouse is free after {time.monotonic() - started:.0f} s: going on.")
            return
        except BlockingIOError:
            pass
        holder = _read_holder(handle)
        waited = time.monotonic() - started
        if waited >= limit:
            raise WarehouseBusy(busy_message(holder, warehouse, waited)) from None
        if announced_at is None or time.monotonic() - announced_at >= ANNOUNCE_EVERY_SECONDS:
            say(
                f"Waiting for {holder.describe()}, which is writing the warehouse {warehouse} "
                f"(one writer at a time; waiting up to {limit:.0f} s, {waited:.0f} s so far) ..."
            )
            announced_at = time.monotonic()
        time.sleep(POLL_SECONDS)


def held_by_parent(warehouse: Path | None = None) -> bool:
    """True if the lock is held by the process that started this one (token handed down)."""
    token = os.environ.get(TOKEN_VARIABLE)
    holder = current_holder(warehouse)
    return bool(token) and holder is not None and holder.token == token
