"""dbt-duckdb plugin (profiles.yml, `plugins:`): every `dbt` that opens the warehouse is its
one writer (tendensen/writer_lock.py).

dbt-duckdb calls `update_connection_config` right before it opens the DuckDB file, and only
when a command needs the database (`dbt build`, `run`, `seed`, `test`, `show`,
`docs generate`, `run-operation`; not `dbt parse` or `dbt ls`). There this plugin takes the
writer lock, or waits for the build that holds it with a message saying so, and gives up
after a bound with a sentence naming that build, instead of DuckDB's raw lock error. The lock
is kept until dbt exits (the kernel releases it then).

The `dbt` that a Dagster run or `make run` starts finds the lock held by its parent, which
handed it the lock's token (`TENDENSEN_WRITER_TOKEN`): it goes on without waiting for itself.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError

from tendensen.writer_lock import WarehouseBusy, held_by_parent, hold_writer_lock

_locks = ExitStack()  # closed by nobody: held until this dbt process exits


def _command_line() -> str:
    import sys

    return " ".join(["dbt", *sys.argv[1:3]])


class Plugin(BasePlugin):
    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        if creds.path in (None, "", ":memory:") or str(creds.path).startswith("md:"):
            return
        warehouse = Path(creds.path).absolute()
        if held_by_parent(warehouse):
            return  # the Dagster run (or `make run`) that started this dbt holds the lock
        try:
            _locks.enter_context(hold_writer_lock(f"`{_command_line()}`", warehouse=warehouse))
        except WarehouseBusy as busy:
            raise DbtRuntimeError(str(busy)) from None
