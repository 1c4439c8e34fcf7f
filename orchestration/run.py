"""`make run`: build and validate the warehouse through Dagster, then say where it is.

Runs the `build_warehouse` job in-process (the multiprocess executor re-imports the
project per step and is about 3x slower for this small graph).
"""

from __future__ import annotations

import sys

from orchestration.settings import data_dir, dbt_run_results_path, warehouse_path
from orchestration.summary import EXAMPLE_QUERY, dbt_test_results, format_counts
from orchestration.warehouse import table_row_counts


def print_checks_summary(path, run_id: str) -> None:
    """One screen: groups per rule, passed, failed, acknowledged, and the failing groups."""
    from orchestration.validation.share_checks import checks_of_run, describe_group, summary_table

    rows = checks_of_run(path, run_id)
    if rows.empty:
        print("Share checks: none recorded for this run (the checks did not run).")
        return
    print("Share checks (Great Expectations, audit.share_checks):")
    print("  " + summary_table(rows).to_string().replace("\n", "\n  "))
    failing = rows[~rows["passed"]]
    for row in failing.itertuples():
        status = "ACKNOWLEDGED" if row.acknowledged else "FAILED"
        print(f"  {status}: {row.rule}: {describe_group(row)}")
    print(f"  Data docs: {data_dir() / 'gx_docs' / 'index.html'}")


def main() -> int:
    from orchestration.definitions import defs

    path = warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"Building the warehouse at {path} ...", flush=True)
    result = defs.resolve_job_def("build_warehouse").execute_in_process(raise_on_error=False)

    print("\n=== tendensen warehouse ===")
    print(f"Warehouse: {path}")
    tests = dbt_test_results(dbt_run_results_path())
    print("dbt tests (data and unit tests):")
    print(format_counts(dict(sorted(tests.items()))))
    if path.exists():
        print("Rows per mart (schema marts):")
        print(format_counts(table_row_counts("marts")))
    if path.exists():
        print_checks_summary(path, result.run_id)
    if not result.success:
        failed = [event.step_key for event in result.all_events if event.is_step_failure]
        print(f"\nThe build FAILED (failed steps: {', '.join(failed) or 'see the log above'}).")
        return 1
    print("\nQuery it with the DuckDB CLI (`duckdb -readonly", path, "`) or Python:")
    print(f"  import duckdb; duckdb.connect({str(path)!r}, read_only=True).sql(\"\"\"")
    print("  " + EXAMPLE_QUERY.replace("\n", "\n  ") + '""").show()')
    return 0


if __name__ == "__main__":
    sys.exit(main())
