"""bench/RESULTS.md's table is valid Markdown: every row has as many cells as the header."""

from __future__ import annotations

import json

from bench.report import table
from tendensen.settings import REPO_ROOT


def test_results_table_rows_have_as_many_cells_as_the_header():
    results = json.loads((REPO_ROOT / "bench" / "results.json").read_text())
    lines = table(results["cases"]).splitlines()
    assert len(lines) == 2 + len(results["cases"])
    assert {line.count("|") for line in lines} == {lines[0].count("|")}


def _case(name, respondents, pipeline_s, baseline_s, peak_mb=1000.0, nodes=None):
    return {
        "case": name,
        "editions": 1,
        "respondents": respondents,
        "pipeline_s": pipeline_s,
        "baseline_s": baseline_s,
        "stages_s": {"landing": 5.0, "dbt build": 20.0, "checks": 1.0, "publish": 4.0},
        "dbt_nodes_s": nodes or {},
        "pipeline_peak_mb": peak_mb,
        "baseline_peak_mb": 300.0,
    }


def test_the_profile_accounts_for_every_second_of_the_run_once():
    from bench.report import profile

    case = _case("1M", 1_000_000, 40.0, 5.0, nodes={"model.fct": 12.0, "model.counts": 3.0, "test.x": 0.6})
    rows = dict(profile(case))
    assert rows["dbt: model.fct"] == 12.0 and rows["dbt: model.counts"] == 3.0
    assert "dbt: test.x" not in rows  # under a second: in "everything else"
    assert rows["dbt: everything else"] == 20.0 - 15.0
    assert rows["process start-up, imports, Dagster"] == 40.0 - 30.0
    assert abs(sum(rows.values()) - 40.0) < 1e-9


def test_targets_compare_the_growing_part_with_the_baselines_and_say_which_are_missed():
    from bench.report import targets, targets_table

    results = {
        "cases": [_case("1k", 1_000, 8.0, 0.5), _case("1M", 1_000_000, 48.0, 10.5, peak_mb=2000.0)],
        "incremental": {"ratio": 0.10},
    }
    rows = {name.split(" (")[0]: (measured, met) for name, _, measured, met in targets(results)}
    assert rows["growing part"] == ("4.00× (40.0 s / 10.0 s)", False)  # (48-8) / (10.5-0.5)
    assert rows["pipeline peak memory at 1M"] == ("2000 MB", False)
    assert rows["fixed cost"] == ("8.0 s", True)
    assert rows["adding a 100k edition to ten / full rebuild"] == ("10%", True)
    assert targets_table(results).count("**missed**") == 2


def test_each_missed_target_gets_its_measured_reason_and_a_next_step():
    from bench.report import missed_targets

    results = {
        "cases": [
            _case("1k", 1_000, 12.0, 0.5, nodes={"model.small": 2.0}),
            _case("1M", 1_000_000, 48.0, 20.5, nodes={"model.fct": 15.0}),
        ]
    }
    lines = [line for line in missed_targets(results) if line.startswith("- ")]
    assert len(lines) == 1  # only the fixed cost (12 s > 9 s); the growing part is 1.8x
    assert lines[0].startswith("- **fixed cost (the 1k case)**: 12.0 s.")
    assert "The 1k run's largest parts: dbt: everything else 18.0 s" in lines[0]
    assert "Next: of the 1k run, dbt is two thirds" in lines[0]
    results["cases"][0]["pipeline_s"] = 8.0
    assert missed_targets(results) == []


def test_a_missed_incremental_target_is_explained_by_the_incremental_run_itself():
    from bench.report import missed_targets

    results = {
        "cases": [_case("1k", 1_000, 8.0, 0.5), _case("1M", 1_000_000, 40.0, 20.5)],
        "incremental": {
            "ratio": 0.32,
            "incremental_stages_s": {"landing": 21.3, "dbt build": 25.3, "checks": 1.9, "publish": 6.8},
        },
    }
    (line,) = [line for line in missed_targets(results) if line.startswith("- ")]
    assert line.startswith("- **adding a 100k edition to ten / full rebuild**: 32%.")
    assert "The incremental run's stages: landing 21.3 s, dbt build 25.3 s" in line
    assert "1M run" not in line
