"""The versioned Great Expectations suite files, `expectations/<rule>.json`, read and checked
without GX (generated from the rule registry: rule_files.py), and the columns they read.

The structure is checked here, so a broken suite file is reported by its path before any
(slow) GX work starts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from tendensen.validation.rules import SUITES_DIR

DEFAULT_SUITES_DIR = SUITES_DIR

# Expectation kwargs that name the columns an expectation reads.
COLUMN_KWARGS = ("column", "column_A", "column_B")
COLUMN_LIST_KWARGS = ("column_list",)


class SuiteDefinitionError(ValueError):
    """A suite file is malformed, or does not fit the DataFrame it must check."""


class SuiteNotFoundError(SuiteDefinitionError, FileNotFoundError):
    """The suite file ``expectations/<suite_name>.json`` does not exist."""


def load_suite_definition(suite_name: str, suites_dir: Path = DEFAULT_SUITES_DIR) -> dict:
    """Read and check the versioned suite ``<suites_dir>/<suite_name>.json``.

    The structure is checked here, without GX, so a broken rule file is reported by its
    path before any (slow) GX work starts.
    """
    path = Path(suites_dir) / f"{suite_name}.json"
    if not path.is_file():
        available = sorted(p.stem for p in Path(suites_dir).glob("*.json"))
        raise SuiteNotFoundError(
            f"Expectation suite file not found: {path} "
            f"(suite {suite_name!r}; available suites: {', '.join(available) or 'none'})"
        )
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SuiteDefinitionError(f"Expectation suite file {path} is not valid JSON: {exc}") from exc
    _check_suite_structure(definition, suite_name, path)
    return definition


def _check_suite_structure(definition: Any, suite_name: str, path: Path) -> None:
    """Fail with the file's path when the JSON does not have the shape the runner reads."""

    def fail(problem: str) -> None:
        raise SuiteDefinitionError(f"Expectation suite file {path} is malformed: {problem}")

    if not isinstance(definition, dict):
        fail("the top level must be a JSON object")
    if definition.get("name") != suite_name:
        fail(f'"name" must be {suite_name!r} (the file name), found {definition.get("name")!r}')
    expectations = definition.get("expectations")
    if not isinstance(expectations, list) or not expectations:
        fail('"expectations" must be a non-empty list')
    for number, expectation in enumerate(expectations, start=1):
        if not isinstance(expectation, dict):
            fail(f"expectation #{number} must be an object")
        kind = expectation.get("type")
        if not isinstance(kind, str) or not kind.startswith("expect_"):
            fail(f'expectation #{number} needs a "type" such as "expect_column_values_to_not_be_null"')
        if not isinstance(expectation.get("kwargs"), dict):
            fail(f'expectation #{number} ({kind}) needs a "kwargs" object')
        if not isinstance(expectation.get("meta", {}), dict):
            fail(f'expectation #{number} ({kind}): "meta" must be an object')


def checked_columns(definition: dict) -> list[str]:
    """Columns read by the suite's expectations, in first-use order."""
    columns: list[str] = []
    for expectation in definition["expectations"]:
        kwargs = expectation["kwargs"]
        names = [kwargs[k] for k in COLUMN_KWARGS if isinstance(kwargs.get(k), str)]
        for key in COLUMN_LIST_KWARGS:
            names.extend(c for c in kwargs.get(key) or [] if isinstance(c, str))
        columns.extend(name for name in names if name not in columns)
    return columns


def require_columns(suite_name: str, definition: dict, frame: pd.DataFrame) -> None:
    """Refuse a frame that lacks a checked column: GX would only report an exception."""
    missing = [c for c in checked_columns(definition) if c not in frame.columns]
    if missing:
        raise SuiteDefinitionError(
            f"Suite {suite_name!r} checks column(s) {missing} that its DataFrame lacks "
            f"(columns: {list(frame.columns)})"
        )


def domain_text(kwargs: dict) -> str:
    """The columns an expectation reads, as "(column=observed)"."""
    columns = [f"{k}={kwargs[k]}" for k in (*COLUMN_KWARGS, *COLUMN_LIST_KWARGS) if k in kwargs]
    return f"({', '.join(columns)})" if columns else ""
