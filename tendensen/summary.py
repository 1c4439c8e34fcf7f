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


LANDING_ACTIONS = ("landed", "replaced", "unchanged", "held", "rejected")


def landing_summary(exports: list[dict], notes: list[str]) -> str:
    """The landing in a few lines: files per action, rows quarantined, and every held or
    rejected export with its reason (`exports`, `notes`: the landing asset's metadata)."""
    actions = Counter(export["action"] for export in exports)
    quarantined = [
        export
        for export in exports
        if export["quarantined"] and export["action"] in ("landed", "replaced", "unchanged")
    ]
    rows = sum(export["quarantined"] for export in quarantined)
    lines = [
        "Landing (data/landing -> data/landed):",
        f"  {len(exports)} export file(s): "
        + ", ".join(f"{actions[action]} {action}" for action in LANDING_ACTIONS)
        + f"; {rows} respondent row(s) quarantined",
    ]
    for export in exports:
        if export["action"] in ("held", "rejected"):
            lines.append(f"  {export['action'].upper()}: {export.get('outcome') or export['file']}")
    for export in quarantined:
        lines.append(
            f"  quarantined: {export['file']}: {export['quarantined']} of "
            f"{export['respondents'] + export['quarantined']} rows "
            "(staging.stg_responses__quarantine)"
        )
    for export in exports:  # e.g. unfinished Qualtrics responses: not a problem, not landed either
        if export.get("kept_apart") and export["action"] in ("landed", "replaced"):
            lines.append(
                f"  kept apart: {export['file']}: {export['kept_apart']} row(s) not landed nor "
                "counted in the shares (unfinished responses; the reason is in the landing log)"
            )
    lines += [f"  note: {note}" for note in notes]
    return "\n".join(lines)
