"""What `make run` prints at the end: pure functions over run artefacts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

EXAMPLE_QUERY = """\
select audience, edition_id, source, is_synthetic, round(pct, 1) as pct
from marts.answer_shares
where question_id = 'ld_technology_use' and option_label = 'Ja, zeker wel'
order by audience, edition_id, source;"""


def dbt_test_results(run_results_path: Path) -> Counter:
    """Count dbt data tests and unit tests by status from dbt's run_results.json."""
    if not run_results_path.exists():
        return Counter()
    results = json.loads(run_results_path.read_text(encoding="utf-8"))["results"]
    return Counter(
        result["status"]
        for result in results
        if result["unique_id"].split(".", 1)[0] in {"test", "unit_test"}
    )


def format_counts(counts: dict[str, int], indent: str = "  ") -> str:
    """Aligned `name  count` lines."""
    if not counts:
        return f"{indent}(none)"
    width = max(len(name) for name in counts)
    return "\n".join(f"{indent}{name:<{width}}  {count:>6}" for name, count in counts.items())
