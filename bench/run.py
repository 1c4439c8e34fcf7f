"""`make bench`: the whole pipeline against a hand-written DuckDB baseline, as ratios.

For each case (1k, 10k, 100k, 1M respondents of one edition, both audiences, the 2021
questionnaire; and 10 editions x 100k) it generates the exports once, then runs, alternately
and at least three times each: the pipeline (landing, dbt build, checks, publish: the
`build_warehouse` job in a fresh temporary warehouse) and the baseline (bench/baseline.sql
from the same CSVs). It reports medians and their ratio, peak memory of the process tree,
the fixed cost apart from the part that grows, and the cost of adding one edition to a
10-edition warehouse against a full rebuild. Results: bench/RESULTS.md, bench/growth.png,
bench/results.json.

    python -m bench.run [--repeats 3] [--cases 1k,10k,100k,1M,10x100k] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench.procmon import Measured, measure

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
EDITIONS_10 = ["2011", "2015", "2017", "2019", "2020", "2021", "2022", "2023", "2024", "2025"]
ADDED_EDITION = "2020-06"
CASES = {  # name -> (editions, respondents per edition)
    "1k": (["2021"], 1_000),
    "10k": (["2021"], 10_000),
    "100k": (["2021"], 100_000),
    "1M": (["2021"], 1_000_000),
    "10x100k": (EDITIONS_10, 100_000),
}
STAGES = ["landing", "dbt build", "checks", "publish"]


def log(message: str) -> None:
    print(message, flush=True)


def generate(exports: Path, editions: list[str], respondents: int) -> None:
    """Both audiences, half the respondents each, the 2021 questionnaire; cached."""
    if (exports / ".complete").exists():
        return
    shutil.rmtree(exports, ignore_errors=True)
    exports.mkdir(parents=True)
    for edition in editions:
        for seed, audience in enumerate(("business", "aanbieders"), 1):
            log(f"  generating {edition} {audience}: {respondents // 2:,} respondents")
            result = measure(
                [
                    sys.executable,
                    "-m",
                    "tendensen.landing.generate",
                    "export",
                    "--edition",
                    edition,
                    "--audience",
                    audience,
                    "--respondents",
                    str(respondents // 2),
                    "--seed",
                    str(seed),
                    "--exact",  # the published marginals at every size: every case publishes
                    "--out",
                    str(exports),
                ],
                cwd=REPO,
            )
            if result.returncode:
                raise SystemExit(f"generating {edition} {audience} failed")
    (exports / ".complete").touch()


def run_pipeline(run_dir: Path, exports: Path) -> tuple[Measured, dict]:
    """One measured pipeline run in a fresh warehouse at `run_dir`."""
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    return run_pipeline_in(run_dir, exports)


def run_pipeline_in(run_dir: Path, exports: Path, job: str = "build_warehouse") -> tuple[Measured, dict]:
    """One measured run of `job` on the warehouse at `run_dir` as it is: wall time and peak
    memory, and the seconds per stage that bench.pipeline_once reports (with the dbt nodes
    of at least half a second under the key "dbt nodes")."""
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    env.pop("DAGSTER_HOME", None)
    result = measure(
        [sys.executable, "-m", "bench.pipeline_once", str(run_dir), str(exports), job], env=env, cwd=REPO
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH ")]
    outcome = json.loads(lines[-1][6:]) if lines else {"success": False, "stages": {}}
    if result.returncode or not outcome["success"]:
        raise SystemExit(f"pipeline failed in {run_dir}:\n{result.stdout[-3000:]}")
    return result, {**outcome["stages"], "dbt nodes": outcome.get("dbt_nodes", {})}


def run_baseline(out: Path, exports: Path, pipeline_warehouse: Path | None = None) -> Measured:
    """One measured baseline run; its shares must equal those of the pipeline's warehouse
    built from the same exports (when there is one), or the ratio would mean nothing."""
    out.unlink(missing_ok=True)
    result = measure(
        [sys.executable, str(BENCH / "baseline.py"), str(out), *map(str, sorted(exports.glob("*.csv")))],
        cwd=REPO,
    )
    if result.returncode:
        raise SystemExit("baseline failed")
    if pipeline_warehouse is not None and pipeline_warehouse.exists():
        from bench.baseline import differences

        if diff := differences(pipeline_warehouse, out):
            raise SystemExit(f"baseline and pipeline shares differ in {len(diff)} rows, e.g. {diff[:3]}")
    out.unlink(missing_ok=True)
    return result


def median(values: list[float]) -> float:
    return statistics.median(values)


def median_per_node(runs: list[dict[str, float]]) -> dict[str, float]:
    """Median seconds per dbt node over the runs (a node missing from a run, under half a
    second there, counts as 0), slowest first."""
    names = {name for run in runs for name in run}
    medians = {name: median([run.get(name, 0.0) for run in runs]) for name in names}
    return dict(sorted(medians.items(), key=lambda item: -item[1]))


def bench_case(name: str, workdir: Path, repeats: int) -> dict:
    editions, respondents = CASES[name]
    exports = workdir / "exports" / name
    log(f"case {name}: {len(editions)} edition(s) x {respondents:,} respondents")
    generate(exports, editions, respondents)
    pipeline, baseline, stages, peaks, base_peaks = [], [], {s: [] for s in STAGES}, [], []
    nodes: list[dict[str, float]] = []
    for repeat in range(repeats):
        # alternate the order so drift on a shared machine hits both alike
        order = ("pipeline", "baseline") if repeat % 2 == 0 else ("baseline", "pipeline")
        for which in order:
            if which == "pipeline":
                result, stage_seconds = run_pipeline(workdir / "runs" / name, exports)
                pipeline.append(result.seconds)
                peaks.append(result.peak_mb)
                for stage in STAGES:
                    stages[stage].append(stage_seconds.get(stage, float("nan")))
                nodes.append(stage_seconds["dbt nodes"])
            else:
                result = run_baseline(
                    workdir / "baseline.duckdb", exports, workdir / "runs" / name / "warehouse.duckdb"
                )
                baseline.append(result.seconds)
                base_peaks.append(result.peak_mb)
            log(f"  {which} run {repeat + 1}: {result.seconds:.1f} s, peak {result.peak_mb:.0f} MB")
    return {
        "case": name,
        "editions": len(editions),
        "respondents": len(editions) * respondents,
        "pipeline_s": median(pipeline),
        "baseline_s": median(baseline),
        "stages_s": {stage: median(values) for stage, values in stages.items()},
        "dbt_nodes_s": median_per_node(nodes),
        "pipeline_peak_mb": max(peaks),
        "baseline_peak_mb": max(base_peaks),
        "pipeline_runs_s": pipeline,
        "baseline_runs_s": baseline,
    }


def bench_incremental(workdir: Path, repeats: int) -> dict:
    """Add one edition (100k) to the 10-edition warehouse, against a full 11-edition rebuild.

    The edition is added as the landing sensor adds it: the `add_landed_exports` job (the
    landing and what its data feeds), the dbt project being unchanged since the warehouse's
    full build. The rebuild is `build_warehouse` in a fresh warehouse.

    The 10-edition warehouse is built once where the timed runs happen (`runs/incremental`)
    and kept aside; each repeat puts it back in that same place, as a production warehouse
    that does not move between its weekly runs (dbt's parse state and the landing's quick
    check are tied to the warehouse's path and the exports' files).
    """
    ten = workdir / "exports" / "10x100k"
    added = workdir / "exports" / "added"
    generate(added, [ADDED_EDITION], 100_000)
    all11 = workdir / "exports" / "11x100k"
    if not all11.exists():
        all11.mkdir(parents=True)
        for source in (ten, added):
            for export in source.glob("*.csv*"):
                os.link(export, all11 / export.name)
    state, kept = workdir / "runs" / "incremental", workdir / "runs" / "incremental.10-editions"
    log("  building the 10-edition warehouse to add to (not timed)")
    run_pipeline(state, ten)
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(state, kept, symlinks=True, ignore=shutil.ignore_patterns("landing"))
    incremental, full, stages = [], [], {stage: [] for stage in STAGES}
    for repeat in range(repeats):
        shutil.rmtree(state, ignore_errors=True)
        shutil.copytree(kept, state, symlinks=True)  # pipeline_once links the exports again
        result, stage_seconds = run_pipeline_in(state, all11, job="add_landed_exports")
        incremental.append(result.seconds)
        for stage in STAGES:
            stages[stage].append(stage_seconds.get(stage, float("nan")))
        log(
            f"  add one edition, run {repeat + 1}: {result.seconds:.1f} s {[stage_seconds.get(s) for s in STAGES]}"
        )
        rebuild, _ = run_pipeline(workdir / "runs" / "full11", all11)
        full.append(rebuild.seconds)
        log(f"  full rebuild of 11 editions, run {repeat + 1}: {rebuild.seconds:.1f} s")
    return {
        "incremental_s": median(incremental),
        "full_rebuild_s": median(full),
        "ratio": median(incremental) / median(full),
        "incremental_runs_s": incremental,
        "full_runs_s": full,
        "incremental_stages_s": {stage: median(values) for stage, values in stages.items()},
    }


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kb = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    )
    import duckdb

    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_kb / 2**20:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, DuckDB {duckdb.__version__}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "tendensen-bench")
    parser.add_argument("--no-incremental", action="store_true")
    parser.add_argument(
        "--keep", action="store_true", help="keep the other cases of bench/results.json (re-run only --cases)"
    )
    args = parser.parse_args(argv)
    if args.repeats < 3:
        parser.error("medians need at least 3 runs")
    from bench.report import write_report

    names = args.cases.split(",")
    # the machine may be shared: its load before and after, so a reader can judge the seconds
    results = {"machine": machine(), "repeats": args.repeats, "cases": [], "load_start": os.getloadavg()}
    if args.keep and (BENCH / "results.json").exists():
        previous = json.loads((BENCH / "results.json").read_text())
        results["cases"] = [case for case in previous["cases"] if case["case"] not in names]
        results.update({key: previous[key] for key in ("incremental",) if key in previous})
    for name in names:
        results["cases"] = [case for case in results["cases"] if case["case"] != name]
        results["cases"].append(bench_case(name, args.workdir, args.repeats))
        results["cases"].sort(key=lambda case: list(CASES).index(case["case"]))
        results["load_end"] = os.getloadavg()
        (BENCH / "results.json").write_text(json.dumps(results, indent=2))
        write_report(results, BENCH)  # a stopped run still leaves what it measured
    if not args.no_incremental and "10x100k" in names:
        results["incremental"] = bench_incremental(args.workdir, args.repeats)
    results["load_end"] = os.getloadavg()
    (BENCH / "results.json").write_text(json.dumps(results, indent=2))
    write_report(results, BENCH)
    log(f"wrote {BENCH / 'RESULTS.md'} and {BENCH / 'growth.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
