"""Every dbt model's grain is tested (issue 18, item 5), read from the parsed project
(target/manifest.json, which tests/conftest.py refreshes with `dbt parse` at session start).

A model's grain test is one of
- `unique_grain` on the model (macros/analysis/test_unique_grain.sql): a unique combination of
  columns, nulls counted as one value;
- `unique` on a column that is also never null (a `not_null` test or constraint): a primary key.
A model without one must be an exception declared in scripts/project_evaluator/exceptions.csv
(fct_missing_primary_key_tests, with the reason), the evaluator's exceptions seed, explained in
docs/dbt_conventions.md.
"""

from __future__ import annotations

import csv
import fnmatch
import json

import pytest

from tendensen.settings import REPO_ROOT

EXCEPTIONS = REPO_ROOT / "scripts" / "project_evaluator" / "exceptions.csv"
CONVENTIONS = REPO_ROOT / "docs" / "dbt_conventions.md"
# The contract's grain of marts.answer_shares (docs/contract.md), in its own columns.
ANSWER_SHARES_GRAIN = {"edition_id", "audience", "question_id", "item_label", "option_label", "source"}


def never_null_columns(model: dict, tests: list[dict]) -> set[str]:
    """Columns with a not_null test (unconditional) or a not_null / primary_key constraint."""
    columns = {
        test["column_name"]
        for test in tests
        if test["test_metadata"]["name"] == "not_null" and not test["config"].get("where")
    }
    for name, column in model.get("columns", {}).items():
        if any(
            constraint["type"] in ("not_null", "primary_key") for constraint in column.get("constraints", [])
        ):
            columns.add(name)
    return columns


def grain_tests(model: dict, tests: list[dict]) -> list[str]:
    """The model's grain tests, e.g. ['unique_grain(edition_id, audience)', 'unique(share_id)']."""
    found = []
    never_null = never_null_columns(model, tests)
    for test in tests:
        name, kwargs = test["test_metadata"]["name"], test["test_metadata"].get("kwargs", {})
        if name == "unique_grain":
            found.append(f"unique_grain({', '.join(kwargs['columns'])})")
        elif name == "unique" and test["column_name"] in never_null:
            found.append(f"unique({test['column_name']})")
    return found


def data_tests_by_model(manifest: dict) -> dict[str, list[dict]]:
    """Generic data tests attached to each model, by the model's unique_id."""
    by_model: dict[str, list[dict]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("test_metadata") and node.get("attached_node"):
            by_model.setdefault(node["attached_node"], []).append(node)
    return by_model


def models_without_grain_test(manifest: dict) -> list[str]:
    attached = data_tests_by_model(manifest)
    return sorted(
        node["name"]
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and not grain_tests(node, attached.get(unique_id, []))
    )


def declared_exceptions(check: str) -> dict[str, str]:
    """id_to_exclude -> reason, for one evaluator check, from the exceptions seed."""
    with EXCEPTIONS.open(encoding="utf-8", newline="") as handle:
        return {
            row["id_to_exclude"]: row["comment"] for row in csv.DictReader(handle) if row["fct_name"] == check
        }


# The tests reading the manifest are `pipeline` tests: the fast loop runs no `dbt parse`.
@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((REPO_ROOT / "target" / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.pipeline
def test_every_model_has_a_grain_test_or_a_declared_exception(manifest):
    untested = models_without_grain_test(manifest)
    exceptions = declared_exceptions("fct_missing_primary_key_tests")
    assert set(untested) == set(exceptions), (
        f"models without a grain test: {sorted(set(untested) - set(exceptions))} (add a unique_grain "
        f"test, or declare the exception in {EXCEPTIONS.name} with the reason); exceptions that now "
        f"have one (remove them): {sorted(set(exceptions) - set(untested))}"
    )


@pytest.mark.pipeline
def test_answer_shares_is_tested_at_the_contract_grain(manifest):
    attached = data_tests_by_model(manifest)["model.tendensen.answer_shares"]
    grains = [
        set(test["test_metadata"]["kwargs"]["columns"])
        for test in attached
        if test["test_metadata"]["name"] == "unique_grain"
    ]
    assert ANSWER_SHARES_GRAIN in grains


@pytest.mark.pipeline
def test_every_exception_names_a_node_and_says_why(manifest):
    """A stale exception (its model renamed or gone) would hide the next finding of that name."""
    names = {node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "model"}
    names |= {f"{source['source_name']}.{source['name']}" for source in manifest["sources"].values()}
    with EXCEPTIONS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        pattern = row["id_to_exclude"].replace("%", "*")  # the evaluator matches with SQL `like`
        assert fnmatch.filter(names, pattern), (
            f"{EXCEPTIONS.name}: {row['id_to_exclude']} names no model or source"
        )
        assert len(row["comment"]) > 40, f"{EXCEPTIONS.name}: say why {row['id_to_exclude']} is an exception"


def test_the_conventions_doc_points_at_the_exceptions():
    text = CONVENTIONS.read_text(encoding="utf-8")
    assert "scripts/project_evaluator/exceptions.csv" in text


# The check itself, on hand-made manifests: it must find a model without a grain test.
def model(name: str, **columns: list[dict]) -> dict:
    return {
        "resource_type": "model",
        "name": name,
        "columns": {column: {"constraints": constraints} for column, constraints in columns.items()},
    }


def data_test(on: str, name: str, column: str | None = None, **kwargs) -> dict:
    return {
        "resource_type": "test",
        "attached_node": f"model.p.{on}",
        "column_name": column,
        "config": {},
        "test_metadata": {"name": name, "kwargs": kwargs},
    }


def test_the_check_finds_models_without_a_grain_test():
    manifest = {
        "nodes": {
            "model.p.grain": model("grain"),
            "model.p.key": model("key"),
            "model.p.constrained_key": model("constrained_key", id=[{"type": "not_null"}]),
            "model.p.nullable_key": model("nullable_key"),
            "model.p.untested": model("untested"),
            "t1": data_test("grain", "unique_grain", columns=["a", "b"]),
            "t2": data_test("key", "unique", "id"),
            "t3": data_test("key", "not_null", "id"),
            "t4": data_test("constrained_key", "unique", "id"),
            # unique without not_null is no primary key; a filtered not_null does not count
            "t5": data_test("nullable_key", "unique", "id"),
            "t6": {**data_test("nullable_key", "not_null", "id"), "config": {"where": "x"}},
            "t7": data_test("untested", "not_null", "id"),
        }
    }
    assert models_without_grain_test(manifest) == ["nullable_key", "untested"]
