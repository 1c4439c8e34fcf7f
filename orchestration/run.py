"""`make run`: build, validate and publish the warehouse through Dagster, then say where it is.

Runs the `build_warehouse` job in-process, in the Dagster instance `make dev` reads
(`$DAGSTER_HOME`, by default `dagster/` beside the warehouse: data/dagster/): its runs are in the UI's run history. It is the
warehouse's one writer while it runs (tendensen/writer_lock.py): started while another
build writes, it waits for it, saying so, or stops with a sentence naming that build.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path

from tendensen.faults import warehouse_damage
from tendensen.settings import (
    REPO_ROOT,
    data_dir,
    dbt_run_results_path,
    default_dagster_home,
    engine,
    parquet_dir,
    serving_path,
    spark_dir,
    spark_serving_dir,
    warehouse_path,
)
from tendensen.summary import EXAMPLE_QUERY, dbt_test_results, format_counts, landing_summary
from tendensen.warehouse import table_row_counts
from tendensen.writer_lock import WarehouseBusy, hold_writer_lock


def print_checks_summary(path: Path, run_id: str, rows=None) -> None:
    """One screen: groups per rule, passed, failed, acknowledged, and the failing groups
    (`rows`: this run's checks when already read, as from Spark)."""
    from tendensen.validation.share_checks import (
        acknowledgement_hint,
        checks_of_run,
        describe_group,
        summary_table,
    )

    rows = checks_of_run(path, run_id) if rows is None else rows
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
        ["rule", "edition_id", "audience", "question_id", "source_locator", "source_report"], sort=False
    ).size()
    for (rule, edition, audience, question, locator, report), count in by_group.items():
        where = locator or report  # where the group is printed ('Figuur 7', 'tekst: conclusie 2')
        extra = f" ({count} rows)" if count > 1 else ""
        print(f"  acknowledged: {rule}: {edition} {audience} {question}, {where}{extra}")
    print(f"  Data docs: {data_dir() / 'gx_docs' / 'index.html'}")
    print_validation_status()


def print_validation_status() -> None:
    """Where BI users see the latest validation, blocked publish included."""
    from tendensen.validation.status import STATUS_CSV, STATUS_JSON, read_status

    folder = serving_path().parent
    status = read_status(folder)
    if status is None:
        return
    print(
        f"  Validation status for BI tools: {folder / STATUS_JSON} (and {STATUS_CSV}): "
        f"{status['status']}, publish {status['publish']}, "
        f"{status['failed_unacknowledged']} unacknowledged failing check(s)"
    )


def print_failure_reasons(result) -> None:
    """What the failed steps and blocking checks said (e.g. the salt or a damaged warehouse),
    so that the advice is in the summary, not only in the log above it."""
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed and evaluation.severity.value == "ERROR" and evaluation.description:
                print(f"  check {evaluation.check_name}: {evaluation.description}")
        elif event.is_step_failure and event.step_failure_data.user_failure_data is not None:
            print(f"  {event.step_key}: {event.step_failure_data.user_failure_data.description}")


def print_landing_summary(result) -> None:
    """Files landed, unchanged, held, rejected and rows quarantined, with the reasons: from the
    landing asset's metadata (orchestration/defs/landing/assets.py)."""
    from orchestration.defs.asset_keys import LANDED

    for event in result.all_events:
        if event.is_step_materialization and event.asset_key == LANDED:
            metadata = event.event_specific_data.materialization.metadata
            print(landing_summary(metadata["exports"].value, metadata["notes"].value))
            return
    print("Landing: did not run (see the log above).")


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
    print(f'  python: import duckdb; duckdb.connect({str(serving)!r}, read_only=True).sql("""')
    print("  " + EXAMPLE_QUERY.replace("\n", "\n  ") + '""").show()')
    print(f"  SQLAlchemy / BI tools: duckdb:///{serving}?access_mode=read_only")
    print(
        f"  Any client with DuckDB 1.4 or later (1.x or 2.x) opens it; {serving.parent}/ stands alone:"
        " copy or mount it anywhere (README: Querying the warehouse)."
    )


def dagster_instance():
    """The instance `make dev` reads: `$DAGSTER_HOME` (the Makefile's), else `dagster/` beside
    the warehouse (its run history and sensor cursor describe that warehouse), set up with
    the project's dagster.yaml if it has none."""
    from dagster import DagsterInstance

    from orchestration.executor import skip_fsync_of_run_history

    skip_fsync_of_run_history()
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(default_dagster_home())))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(REPO_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    return DagsterInstance.get()


def main() -> int:
    path = warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # taken before the slow imports: a second `make run` is told at once
        with hold_writer_lock("`make run` (build_warehouse)", say=lambda line: print(line, flush=True)):
            return build_and_report(path)
    except WarehouseBusy as busy:
        print(f"\n{busy}", file=sys.stderr)
        return 2


def build_and_report(path: Path) -> int:
    from orchestration.definitions import defs
    from orchestration.defs.asset_keys import SERVING
    from orchestration.run_log import DbtProgress, log_path, run_config

    damage = warehouse_damage(path)
    if damage:  # a sentence and the command, not dbt's traceback (tendensen/faults.py)
        print(damage)
        return 1
    log = log_path()
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("", encoding="utf-8")  # this run's log only
    where = f"on Spark ({spark_dir()})" if engine() == "spark" else f"at {path}"
    print(f"Building the warehouse {where} (full log: {log}) ...", flush=True)
    with (
        dagster_instance() as instance,
        log.open("a", encoding="utf-8") as log_file,
        contextlib.redirect_stdout(DbtProgress(log_file, sys.stdout)),
    ):
        result = defs.resolve_job_def("build_warehouse").execute_in_process(
            run_config=run_config(log), instance=instance, raise_on_error=False
        )
    print(f"Full log of the run: {log}")
    published = any(
        event.is_step_materialization and event.asset_key == SERVING for event in result.all_events
    )

    print("\n=== tendensen warehouse ===")
    print(f"Warehouse (pipeline only): {spark_dir() if engine() == 'spark' else path}")
    print_landing_summary(result)
    print("dbt tests (data and unit tests):")
    print(format_counts(dict(sorted(dbt_test_results(dbt_run_results_path()).items()))))
    if engine() == "spark":
        print_spark_marts_and_checks(result.run_id)
    elif path.exists():
        print("Rows per mart (schema marts):")
        print(format_counts(table_row_counts("marts", path)))
        print_checks_summary(path, result.run_id)
    if engine() == "spark":
        print_spark_serving_status(published)
        return 0 if result.success else print_build_failure(result)
    print_serving_status(published)
    if not result.success:
        return print_build_failure(result)
    print_how_to_query()
    return 0


def print_build_failure(result) -> int:
    failed = [event.step_key for event in result.all_events if event.is_step_failure]
    print(f"\nThe build FAILED (failed steps: {', '.join(failed) or 'see the log above'}).")
    print_failure_reasons(result)
    return 1


def print_spark_marts_and_checks(run_id: str) -> None:
    """Rows per mart and this run's checks, read from the Spark warehouse in one session."""
    from tendensen.spark.session import spark_session
    from tendensen.spark.share_checks import checks_of_run, table_row_counts

    if not (spark_dir() / "metastore_db").exists():
        return
    with spark_session() as spark:
        counts = table_row_counts(spark, "marts")
        rows = checks_of_run(spark, run_id)
    print(f"Rows per mart (Spark warehouse {spark_dir()}, schema marts):")
    print(format_counts(counts))
    print_checks_summary(warehouse_path(), run_id, rows)


def print_spark_serving_status(published: bool) -> None:
    current = spark_serving_dir() / "current"
    if published:
        print(f"\nPublished the validated marts (Parquet, one folder per relation): {current}/")
        print("  and in the Spark catalog as serving_marts.<mart>, serving_audit.<relation> (docs/spark.md)")
    elif current.exists():
        print(f"\nNOT published: the last good version stays current: {current.resolve()}")
    else:
        print("\nNOT published: nothing published on Spark yet.")


if __name__ == "__main__":
    sys.exit(main())
