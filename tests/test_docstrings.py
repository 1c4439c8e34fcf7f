"""No docstring of tendensen/ or orchestration/ quotes a measured duration: such numbers go stale unseen.
Measurements belong in bench/NOTES.md (written by hand, section "Timings once quoted in the
code"); a docstring may still state a setting ("default 600 s") or an example of output."""

from __future__ import annotations

import ast
import re

from tendensen.settings import REPO_ROOT

DURATION = re.compile(r"~?\d+(?:[.,]\d+)?\s?(?:ms|s|sec|seconds?|min|minutes?)\b")
# What makes a duration a measurement rather than a setting: a verb of measuring, or a before -> after.
MEASURED = re.compile(r"\b(?:took|takes|taking|costs?|measured|spen[dt]s?|faster|slower|saves?|saved)\b|->|→")


def timing_claims(docstring: str) -> list[str]:
    """The sentences of a docstring that quote a measured duration."""
    sentences = re.split(r"(?<=[.;:])\s+|\n\n", docstring)
    return [s for s in sentences if DURATION.search(s) and MEASURED.search(s)]


def test_the_heuristic_tells_a_measurement_from_a_setting():
    assert timing_claims("Measured on the 2-core machine: a warm `make run` 13.1 s -> 12.3 s.")
    assert timing_claims("Importing GX takes ~2 s of this process's time.")
    assert timing_claims("Opening a new in-memory database costs ~13 ms, a cursor ~0.1 ms.")
    assert not timing_claims("A second writer waits up to a bound (default 600 s), then stops.")
    assert not timing_claims("`  [dbt build] done in 8.1 s`, and the stages' own messages.")


def test_no_docstring_of_the_package_quotes_a_timing():
    found = []
    for path in sorted(
        [*(REPO_ROOT / "tendensen").rglob("*.py"), *(REPO_ROOT / "orchestration").rglob("*.py")]
    ):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef)))]
        for node in nodes:
            docstring = ast.get_docstring(node) or ""
            found += [f"{path.relative_to(REPO_ROOT)}: {claim}" for claim in timing_claims(docstring)]
    assert found == [], "move the measurement to bench/RESULTS.md"
