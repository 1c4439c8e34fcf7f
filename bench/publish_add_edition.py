"""The publish step's cost when one edition is added to a 10-edition warehouse.

    python -m bench.publish_add_edition [--respondents 10000] [--repeats 3] [--workdir DIR]

Builds a warehouse of 10 generated editions (not timed), keeps it aside, then, `--repeats`
times, puts it back and adds one edition the way the landing sensor does
(`add_landed_exports`), and prints the seconds of the publish stage (from Dagster's step
events) and of the whole run, with their medians. A small sibling of `make bench`'s
incremental case (bench/run.py), for measuring a change to tendensen/serving/publish.py
without the 30-minute bench.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
from pathlib import Path

from bench.run import ADDED_EDITION, EDITIONS_10, generate, log, run_pipeline, run_pipeline_in


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=10_000, help="per edition")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "tendensen-bench-publish"
    )
    args = parser.parse_args(argv)
    size = f"{args.respondents // 1000}k"
    ten, added = args.workdir / "exports" / f"10x{size}", args.workdir / "exports" / f"added-{size}"
    generate(ten, EDITIONS_10, args.respondents)
    generate(added, [ADDED_EDITION], args.respondents)
    eleven = args.workdir / "exports" / f"11x{size}"
    if not eleven.exists():
        eleven.mkdir(parents=True)
        for source in (ten, added):
            for export in source.glob("*.csv*"):
                os.link(export, eleven / export.name)
    state, kept = args.workdir / "runs" / "add", args.workdir / "runs" / "add.10-editions"
    log(f"building the 10 x {args.respondents:,} warehouse to add to (not timed)")
    run_pipeline(state, ten)
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(state, kept, symlinks=True, ignore=shutil.ignore_patterns("landing"))
    publish, total = [], []
    for repeat in range(args.repeats):
        shutil.rmtree(state, ignore_errors=True)
        shutil.copytree(kept, state, symlinks=True)
        result, stages = run_pipeline_in(state, eleven, job="add_landed_exports")
        publish.append(stages["publish"])
        total.append(result.seconds)
        log(
            f"add one edition, run {repeat + 1}: publish {stages['publish']:.2f} s, "
            f"run {result.seconds:.1f} s, stages {stages}"
        )
    log(f"median: publish {statistics.median(publish):.2f} s, run {statistics.median(total):.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
