"""What a killed or damaged run leaves behind, dealt with at the start of the next one.

- Leftovers of killed runs: the landing's temporary folders (`landed/.landing-<pid>-*`),
  the publish's staged serving copy (`serving/.tendensen.duckdb.*.tmp`, and its `.wal`), its
  staged `current` link (`serving/parquet/.current.*`) and the small files staged by
  `files.replace_atomically` (`.<name>.*.tmp`). They are removed when the process that made
  them is gone (the landing's folders name their PID) or when nothing touched them for
  `STALE_SECONDS`: a build of the same data folder may be writing one right now, and a
  landing or publish keeps writing to its temporary files while it runs.
- A damaged warehouse (a truncated or overwritten file) is recognised before dbt opens it,
  and named with the command that rebuilds it, instead of a DuckDB traceback.
- Private files: the data folder and the Dagster instance hold pseudonymised respondents
  and run logs; the pipeline creates them for its user only (umask 077: files 0600, folders
  0700) unless TENDENSEN_UMASK says otherwise, and closes the data folder itself (0700).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

STALE_SECONDS = 3600
PRIVATE_UMASK = 0o077
LANDING_TEMP = re.compile(r"^\.landing-(?P<pid>\d+)-")
REBUILD_COMMAND = "make rebuild"


def configured_umask() -> int:
    """TENDENSEN_UMASK (octal, e.g. 027 to let the group read), else 077."""
    configured = os.environ.get("TENDENSEN_UMASK")
    return int(configured, 8) if configured else PRIVATE_UMASK


def private_umask() -> int:
    """Files this process (and dbt, its child) creates are its user's only. Returns the umask."""
    mask = configured_umask()
    os.umask(mask)
    return mask


def close_folder(folder: Path) -> None:
    """Take group and other permissions off a folder this pipeline owns (data/, the Dagster
    instance): what is inside is then private whatever mode earlier versions gave the files."""
    try:
        mode, mask = folder.stat().st_mode & 0o777, configured_umask()
        if mode & mask:
            os.chmod(folder, mode & ~mask)
    except OSError:
        pass  # not ours, or gone: nothing to close


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _last_touched(path: Path) -> float:
    """The newest modification time of `path` and, for a folder, of anything in it."""
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for root, folders, files in os.walk(path):
            for name in folders + files:
                try:
                    newest = max(newest, os.lstat(os.path.join(root, name)).st_mtime)
                except OSError:
                    continue
    return newest


def leftovers(data: Path) -> Iterator[Path]:
    """Temporary files and folders of runs on this data folder (in use or not)."""
    landed, serving = data / "landed", data / "serving"
    yield from landed.glob(".landing-*")
    for folder in (data, landed, serving):
        yield from folder.glob(".*.tmp")
        yield from folder.glob(".*.tmp.wal")
    yield from (serving / "parquet").glob(".current.*")


def is_abandoned(path: Path, now: float) -> bool:
    named = LANDING_TEMP.match(path.name)
    if named and int(named["pid"]) != os.getpid() and not _pid_alive(int(named["pid"])):
        return True
    try:
        return now - _last_touched(path) > STALE_SECONDS
    except OSError:
        return False  # vanished meanwhile: its owner cleaned up


def remove_leftovers(data: Path) -> list[str]:
    """Remove the abandoned leftovers of killed runs; returns what was removed (names)."""
    now = time.time()
    removed = []
    for path in sorted(set(leftovers(data))):
        if not is_abandoned(path, now):
            continue
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        removed.append(str(path.relative_to(data)))
    return removed


def warehouse_damage(path: Path) -> str | None:
    """A sentence saying the warehouse is damaged and what to run, or None when it opens (or
    does not exist yet, or is in use by a build: that is not damage)."""
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        text = str(error)
        if "lock" in text.lower():
            return None
        return (
            f"The warehouse {path} cannot be opened: it is damaged ({text.splitlines()[0]}). "
            f"It holds nothing that cannot be rebuilt from the seeds and data/landed except "
            f"the history of audit.share_checks: run `{REBUILD_COMMAND}` (moves it aside to "
            f"{path.name}.damaged-<time> and builds it again)."
        )
    con.close()
    return None


def set_aside(path: Path) -> Path | None:
    """Move a damaged warehouse (and its WAL) aside, keeping it for inspection."""
    if not path.exists():
        return None
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%dT%H%M%S')}")
    os.replace(path, aside)
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        os.replace(wal, aside.with_name(aside.name + ".wal"))
    return aside
