"""`make run`: build, validate and publish the warehouse through Dagster, then say where it is.

Runs the `build_warehouse` job in-process (the multiprocess executor re-imports the
project per step and is about 3x slower for this small graph).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from orchestration.settings import data_dir, dbt_run_results_path, parquet_dir, serving_path, warehouse_path
from orchestration.summary import EXAMPLE_QUERY, dbt_test_results, format_counts
from orchestration.warehouse import table_row_counts


def print_checks_summary(path: Path, run_id: str) -> None:
    """One screen: groups per rule, passed, failed, acknowledged, and the failing groups."""
    from orchestration.validation.share_checks import (
        acknowledgement_hint,
        checks_of_run,
        describe_group,
        summary_table,
    )

    rows = checks_of_run(path, run_id)
    if rows.empty:
        print("Share checks: none recorded for this run (the checks did not run).")
        return
    print("Share checks (Great Expectations, audit.share_checks):")
    print("  " + summary_table(rows).to_string().replace("\n", "\n  "))
    failing = rows[~rows["passed"]]
    for row in failing[~failing["acknowledged"]].itertuples():
        print(f"  FAILED: {row.rule}: {describe_group(row)}" + (f" ({row.note})" if row.note else ""))
        hint = acknowledgement_hint(row)
        if hint:
            print(f"    -> {hint}")
    acknowledged = failing[failing["acknowledged"]].fillna({"source_locator": "", "source_report": ""})
    by_group = acknowledged.groupby(
        ["rule", "edition_id", "audience", "question_id", "source_locator", "source_report"], sort=False).size()
    for (rule, edition, audience, question, locator, report), count in by_group.items():
        where = locator or report  # where the group is printed ('Figuur 7', 'tekst: conclusie 2')
        extra = f" ({count} rows)" if count > 1 else ""
        print(f"  acknowledged: {rule}: {edition} {audience} {question}, {where}{extra}")
    print(f"  Data docs: {data_dir() / 'gx_docs' / 'index.html'}")
    print_validation_status()


def print_validation_status() -> None:
    """Where BI users see the latest validation, blocked publish included."""
    from orchestration.validation.status import STATUS_CSV, STATUS_JSON, read_status

    folder = serving_path().parent
    status = read_status(folder)
    if status is None:
        return
    print(f"  Validation status for BI tools: {folder / STATUS_JSON} (and {STATUS_CSV}): "
          f"{status['status']}, publish {status['publish']}, "
          f"{status['failed_unacknowledged']} unacknowledged failing check(s)")


def print_serving_status(published: bool) -> None:
    serving = serving_path()
    if published:
        print(f"\nPublished the validated serving copy: {serving}")
        print(f"  and the marts as Parquet: {parquet_dir() / 'current'}/")
    elif serving.exists():
        stamp = datetime.fromtimestamp(serving.stat().st_mtime).isoformat(timespec="seconds")
        print(f"\nNOT published: the last good serving copy ({stamp}) stays in place: {serving}")
    else:
        print("\nNOT published: there is no serving copy yet.")


def print_how_to_query() -> None:
    serving = serving_path()
    print("\nQuery the serving copy (read-only, never blocks a build):")
    print(f"  duckdb -readonly {serving}")
    print(f"  python: import duckdb; duckdb.connect({str(serving)!r}, read_only=True).sql(\"\"\"")
    print("  " + EXAMPLE_QUERY.replace("\n", "\n  ") + '""").show()')
    print(f"  SQLAlchemy / BI tools: duckdb:///{serving}?access_mode=read_only")


def main() -> int:
    from orchestration.definitions import defs
    from orchestration.jobs import SERVING

    path = warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"Building the warehouse at {path} ...", flush=True)
    # An in-memory Dagster instance: persisting ~200 dbt events adds seconds to a run that
    # should take a few; runs started from `make dev` are kept in its run history.
    result = defs.resolve_job_def("build_warehouse").execute_in_process(raise_on_error=False)
    published = any(
        event.is_step_materialization and event.asset_key == SERVING for event in result.all_events
    )

    print("\n=== tendensen warehouse ===")
    print(f"Warehouse (pipeline only): {path}")
    print("dbt tests (data and unit tests):")
    print(format_counts(dict(sorted(dbt_test_results(dbt_run_results_path()).items()))))
    if path.exists():
        print("Rows per mart (schema marts):")
        print(format_counts(table_row_counts("marts", path)))
        print_checks_summary(path, result.run_id)
    print_serving_status(published)
    if not result.success:
        failed = [event.step_key for event in result.all_events if event.is_step_failure]
        print(f"\nThe build FAILED (failed steps: {', '.join(failed) or 'see the log above'}).")
        return 1
    print_how_to_query()
    return 0


if __name__ == "__main__":
    sys.exit(main())
