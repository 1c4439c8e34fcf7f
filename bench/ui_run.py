"""A `build_warehouse` launched from the Dagster UI against `make run`, on the demo data.

Both on the same warehouse and instance, alternately: `make run` (timed as the command, from
start to exit) and the run the UI's Launch button starts (a `launchRun` GraphQL call against
`make dev`, timed from the call until the run is SUCCESS: queue, run worker start-up, the
steps). Before the timed runs one `make run` lands the synthetic 2021 demo exports, so every
timed run does the same work. Medians; the ratio is UI / `make run` (the target: <= 1.3).

Writes bench/ui_run.json (the measurements), bench/ui_run.md (the section bench/report.py
puts into bench/RESULTS.md) and patches that section of bench/RESULTS.md in place, so it
needs no `make bench`.

    python -m bench.ui_run [--repeats 3] [--workdir DIR] [--from-json bench/ui_run.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.dagster_ui import (
    free_port,
    launch_run,
    start_make_dev,
    stop_make_dev,
    wait_for_run,
    wait_until_serving,
)

REPO = Path(__file__).resolve().parent.parent
SECTION_TITLE = "## A run launched from the UI against `make run`"
SECTION_FILE = REPO / "bench" / "ui_run.md"


def log(message: str) -> None:
    print(message, flush=True)


def environment(warehouse: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "DAGSTER_HOME": str(warehouse.parent / "dagster"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    env.pop("TENDENSEN_WRITER_TOKEN", None)
    return env


def time_make_run(env: dict[str, str]) -> float:
    started = time.monotonic()
    done = subprocess.run(
        ["make", "--no-print-directory", "run"], cwd=REPO, env=env, capture_output=True, text=True
    )
    took = time.monotonic() - started
    if done.returncode:
        raise RuntimeError(f"make run failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return took


def time_ui_run(port: int) -> float:
    started = time.monotonic()
    run_id = launch_run(port, "build_warehouse")
    run = wait_for_run(port, run_id)
    took = time.monotonic() - started
    if run["status"] != "SUCCESS":
        raise RuntimeError(f"the UI's run {run_id} ended {run['status']}")
    return took


def measure(workdir: Path, repeats: int) -> dict:
    warehouse = workdir / "data" / "warehouse.duckdb"
    env = environment(warehouse)
    log("warming up: one `make run` lands the demo exports ...")
    first = time_make_run(env)
    log(f"  first make run (generates and lands the demo exports): {first:.1f} s")
    port = free_port()
    server = start_make_dev(port, env)
    make_runs, ui_runs = [], []
    try:
        started = time.monotonic()
        wait_until_serving(port, server)
        log(f"make dev serving on port {port} after {time.monotonic() - started:.1f} s")
        for repeat in range(1, repeats + 1):
            make_runs.append(time_make_run(env))
            log(f"  [{repeat}/{repeats}] make run: {make_runs[-1]:.1f} s")
            ui_runs.append(time_ui_run(port))
            log(f"  [{repeat}/{repeats}] UI-launched build_warehouse: {ui_runs[-1]:.1f} s")
    finally:
        stop_make_dev(server)
    make_run, ui_run = statistics.median(make_runs), statistics.median(ui_runs)
    return {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_at_end": os.getloadavg()[0],
        "repeats": repeats,
        "make_run_s": make_runs,
        "ui_run_s": ui_runs,
        "make_run_median_s": make_run,
        "ui_run_median_s": ui_run,
        "ratio": ui_run / make_run,
    }


def section(results: dict) -> str:
    runs = ", ".join(
        f"{m:.1f}/{u:.1f} ({u / m:.2f})"
        for m, u in zip(results["make_run_s"], results["ui_run_s"], strict=True)
    )
    return "\n".join(
        [
            SECTION_TITLE,
            "",
            f"Measured by `python -m bench.ui_run` ({results['measured_at']}, {results['machine']}, "
            f"load average {results['load_average_at_end']:.1f} at the end: other work shared the "
            "machine, so compare the ratio rather than the seconds). On the synthetic 2021 demo "
            "exports (landed once before the timed runs), alternately: `make run` as a command, and "
            "`build_warehouse` launched through GraphQL against `make dev` as the UI's Launch button "
            "does, timed from the call until the run is SUCCESS (queue, run worker start-up, steps).",
            "",
            "| | median s |",
            "|---|---|",
            f"| `make run` | {results['make_run_median_s']:.1f} |",
            f"| UI-launched `build_warehouse` | {results['ui_run_median_s']:.1f} |",
            f"| **ratio UI / `make run`** | **{results['ratio']:.2f}** |",
            "",
            f"Each pair (make run / UI, s, and its ratio): {runs}; with a busy machine the pairs "
            "spread widely, the median ratio is the figure to compare. Before the jobs ran in-process "
            "(orchestration/executor.py), a UI run took 86 s against 15-20 s for `make run` on "
            "this machine: the multiprocess executor started a process per step that imported the "
            "project again.",
            "",
        ]
    )


def put_into_results(text: str, results_md: Path) -> None:
    """Replace this section of RESULTS.md (or add it at the end)."""
    current = results_md.read_text(encoding="utf-8") if results_md.exists() else ""
    start = current.find(SECTION_TITLE)
    if start < 0:
        updated = current.rstrip("\n") + "\n\n" + text
    else:
        end = current.find("\n## ", start + len(SECTION_TITLE))
        updated = current[:start] + text + (current[end + 1 :] if end >= 0 else "")
    results_md.write_text(updated, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--from-json",
        type=Path,
        default=None,
        help="write the section from results printed by an earlier run",
    )
    args = parser.parse_args(argv)
    if args.from_json:
        results = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        with tempfile.TemporaryDirectory(prefix="tendensen-ui-bench-") as scratch:
            results = measure(args.workdir or Path(scratch), args.repeats)
    log(json.dumps(results, indent=1))
    if not args.from_json:
        (REPO / "bench" / "ui_run.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    text = section(results)
    SECTION_FILE.write_text(text, encoding="utf-8")
    put_into_results(text, REPO / "bench" / "RESULTS.md")
    log(f"ratio UI / make run: {results['ratio']:.2f} (bench/ui_run.md, bench/RESULTS.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
