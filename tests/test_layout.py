"""The layout the README draws is the layout of the code, and the domain imports no Dagster.

`tendensen/` is the domain (landing, validation, serving, report): plain Python, testable without
Dagster. `orchestration/` is the Dagster wiring. A domain module that imports dagster or the wiring
couples the two again; a package the README's layout does not name is a room nobody was shown.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WIRING_ONLY = ("dagster", "dagster_dbt", "dagster_webserver", "orchestration")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_domain_imports_no_dagster_and_no_wiring():
    offenders = {
        str(path.relative_to(REPO)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] in WIRING_ONLY
        )
        for path in sorted((REPO / "tendensen").rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def python_packages() -> set[str]:
    return {
        str(init.parent.relative_to(REPO)) + "/"
        for root in ("tendensen", "orchestration")
        for init in (REPO / root).rglob("__init__.py")
    }


def readme_layout_block() -> str:
    text = (REPO / "README.md").read_text()
    section = text.split("## Layout", 1)[1]
    return re.search(r"```(?:text)?\n(.*?)```", section, re.S).group(1)


def drawn_paths(block: str) -> set[str]:
    """Paths of the drawing: an indented entry lives in the folder above it (two spaces a level)."""
    paths: set[str] = set()
    parents: list[tuple[int, str]] = []
    for line in block.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        names = re.split(r"\s{2,}", line.strip())[0]
        if not re.fullmatch(r"[\w.\-]+/?(, [\w.\-]+/?)*", names):
            continue  # a description's second line, not an entry
        while parents and parents[-1][0] >= indent:
            parents.pop()
        prefix = parents[-1][1] if parents else ""
        entries = [prefix + name.strip() for name in names.split(",")]
        paths.update(entries)
        if len(entries) == 1 and entries[0].endswith("/"):
            parents.append((indent, entries[0]))
    return paths


def test_the_readme_layout_names_every_package_and_nothing_that_is_gone():
    drawn = drawn_paths(readme_layout_block())
    assert python_packages() - drawn == set(), "packages missing from README's Layout"
    assert {path for path in drawn if not (REPO / path).exists()} == set(), (
        "README's Layout names paths that are gone"
    )
