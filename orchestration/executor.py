"""The executor of every job: Dagster's in-process executor, holding the one-writer lock.

In-process, because the multiprocess executor (Dagster's default) starts a process per step
that imports the project again (dagster, dagster-dbt, the dbt manifest, pandas, Great
Expectations): a UI-launched `build_warehouse` took several times as long as `make run`
(bench/NOTES.md, "Timings once quoted in the code"). The
steps here run one after the other anyway (landing -> dbt -> checks -> publish: each needs
the previous one, and DuckDB allows one writer), so nothing is lost. Correct for the checks
and publish: blocking checks and step skipping are the same as in `make run`, which always
ran in-process (`execute_in_process`).

The whole run holds the warehouse's writer lock (tendensen/writer_lock.py), from before
the landing until after the publish: another writer (a `make run`, a `dagster job execute`,
a `dbt` by hand) waits for it or is told plainly who is writing, instead of meeting DuckDB's
lock error half-way through the checks.
"""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg

from tendensen.writer_lock import WarehouseBusy, hold_writer_lock

_fsync_skipped = False


def skip_fsync_of_run_history() -> None:
    """This process's SQLite commits (the Dagster instance's run history) skip the fsync.

    A build stores ~560 events (every dbt model's and test's output, materialization and
    check), each in its own SQLite transaction, and every commit waits for the disk (measured:
    bench/NOTES.md, "Timings once quoted in the code"). What it risks is the run history of the
    last seconds if the machine itself crashes (not the warehouse, which DuckDB writes); a
    process crash loses nothing. `make run` and every run of this executor (the run worker
    of a UI, schedule or sensor run) do this; the webserver and daemon keep SQLite's default.
    """
    global _fsync_skipped
    if _fsync_skipped:
        return
    _fsync_skipped = True
    import sqlalchemy
    from sqlalchemy.engine import Engine

    def no_fsync(dbapi_connection, _record) -> None:
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.close()

    sqlalchemy.event.listen(Engine, "connect", no_fsync)


class OneWriterExecutor(dg.Executor):
    """Delegates to Dagster's in-process executor inside the writer lock."""

    def __init__(self, in_process: dg.Executor):
        self._in_process = in_process

    @property
    def retries(self):
        return self._in_process.retries

    @property
    def step_dependency_config(self):
        return self._in_process.step_dependency_config

    def execute(self, plan_context, execution_plan) -> Iterator[dg.DagsterEvent]:
        skip_fsync_of_run_history()
        run = plan_context.dagster_run
        what = f"the Dagster run {run.run_id[:8]} of {run.job_name}"
        try:
            with hold_writer_lock(what, say=plan_context.log.warning):
                yield from self._in_process.execute(plan_context, execution_plan)
        except WarehouseBusy as busy:
            # one plain sentence in the run's log and as the run's failure, no DuckDB error
            plan_context.log.error(str(busy))
            raise dg.Failure(description=str(busy)) from None


@dg.executor(
    name="in_process_one_writer",
    config_schema=dg.in_process_executor.config_schema,
    requirements=dg.in_process_executor.get_requirements(dg.in_process_executor.config_schema),
)
def one_writer_in_process_executor(init_context: dg.InitExecutorContext) -> dg.Executor:
    """All steps in the run's own process, with the warehouse's writer lock held throughout."""
    return OneWriterExecutor(dg.in_process_executor.executor_creation_fn(init_context))
