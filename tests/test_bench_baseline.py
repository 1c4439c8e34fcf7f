"""bench/baseline.py gives the pipeline's shares: the ratio in bench/RESULTS.md compares equals."""

from __future__ import annotations

from bench.baseline import differences, run_baseline


def test_baseline_shares_equal_the_pipelines(built_warehouse, tmp_path):
    exports = sorted((built_warehouse.path.parent / "landing").glob("*.csv"))
    assert exports
    out = tmp_path / "baseline.duckdb"
    assert run_baseline(out, exports) == built_warehouse.scalar(
        "select count(*) from marts.fct_answer_shares where source = 'responses'")
    assert differences(built_warehouse.path, out) == []
