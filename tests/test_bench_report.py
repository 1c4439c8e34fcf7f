"""bench/RESULTS.md's table is valid Markdown: every row has as many cells as the header."""

from __future__ import annotations

import json

from bench.report import table
from orchestration.settings import REPO_ROOT


def test_results_table_rows_have_as_many_cells_as_the_header():
    results = json.loads((REPO_ROOT / "bench" / "results.json").read_text())
    lines = table(results["cases"]).splitlines()
    assert len(lines) == 2 + len(results["cases"])
    assert {line.count("|") for line in lines} == {lines[0].count("|")}
