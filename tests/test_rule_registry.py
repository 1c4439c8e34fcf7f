"""The rule registry (tendensen/validation/rules.py) is the one declaration of each rule:
what is generated from it is up to date, and what cannot import it (dbt's yml and SQL) agrees
with it. docs/validation.md, "Adding a rule"."""

from __future__ import annotations

import ast
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from tendensen.landing.codebook import MATRIX_TYPES
from tendensen.report.build import RULE_LABELS
from tendensen.report.data import Check, ReportData
from tendensen.settings import REPO_ROOT
from tendensen.validation.rule_files import (
    TABLE_END,
    TABLE_START,
    main,
    rules_table,
    stale_files,
    suite_text,
    write_files,
)
from tendensen.validation.rules import RECONCILIATION_RULE, RULE_NAMES, RULES, RULES_BY_NAME, Rule

# A comparison of a `rule` column with a quoted name in SQL: rule = 'x', rule <> 'x', rule in ('x', ...).
_SQL_RULE_NAMES = re.compile(r"\brule\s*(?:=|<>|!=)\s*'(\w+)'|\brule\s+(?:not\s+)?in\s*\(([^)]*)\)", re.I)


def test_generated_files_are_up_to_date():
    assert stale_files() == []


def test_registry_names_are_unique_and_each_sql_emits_its_own_name():
    assert len(RULE_NAMES) == len(RULES)
    for rule in RULES:
        # a copied rule that still says another rule's name would record its groups under it
        emitted = set(re.findall(r"'(\w+)' as rule\b", rule.sql))
        assert emitted == {rule.name}, rule.name
        for text in (rule.description, rule.tolerance, rule.group, rule.label_nl, rule.suite_notes):
            assert text.strip(), rule.name
        assert rule.expectations, rule.name


def test_the_reconciliation_rule_is_a_registered_rule():
    assert RECONCILIATION_RULE in RULES_BY_NAME


# ------------------------------------------------------------------ the generator catches drift


@pytest.fixture()
def generated(tmp_path) -> tuple[Path, Path]:
    """A suites folder and a rules doc written by the generator, away from the repository."""
    suites, doc = tmp_path / "expectations", tmp_path / "validation.md"
    suites.mkdir()
    doc.write_text(f"# Rules\n\n{TABLE_START}\nold table\n{TABLE_END}\n\nAfter the table.\n")
    write_files(RULES, suites, doc)
    return suites, doc


def test_generator_writes_every_suite_and_the_table_between_its_markers(generated):
    suites, doc = generated
    assert sorted(p.stem for p in suites.glob("*.json")) == sorted(RULE_NAMES)
    assert json.loads((suites / "pct_in_range.json").read_text())["name"] == "pct_in_range"
    text = doc.read_text()
    assert "old table" not in text and text.startswith("# Rules\n") and text.endswith("After the table.\n")
    assert rules_table() in text
    assert stale_files(RULES, suites, doc) == []
    assert write_files(RULES, suites, doc) == []  # idempotent


def test_a_hand_edited_suite_is_stale(generated):
    suites, doc = generated
    path = suites / "single_choice_sums_to_100.json"
    path.write_text(path.read_text().replace('"or_equal": true', '"or_equal": false'))
    assert stale_files(RULES, suites, doc) == [f"{path} is out of date"]


def test_a_missing_suite_a_stray_suite_and_an_old_table_are_reported(generated):
    suites, doc = generated
    (suites / "pct_in_range.json").unlink()
    (suites / "retired_rule.json").write_text("{}")
    doc.write_text(doc.read_text().replace("| `pct_in_range` |", "| `pct_in_range_v0` |"))
    assert stale_files(RULES, suites, doc) == [
        f"{suites / 'pct_in_range.json'} is missing",
        f"{doc} is out of date",
        f"{suites / 'retired_rule.json'} is the suite of no rule in the registry",
    ]


def test_a_rules_doc_without_its_markers_is_a_clear_error(tmp_path):
    doc = tmp_path / "validation.md"
    doc.write_text("# Rules\n")
    with pytest.raises(ValueError, match="lacks the lines"):
        stale_files(RULES, tmp_path, doc)


def test_check_mode_says_what_to_run(monkeypatch, capsys):
    monkeypatch.setattr(
        "tendensen.validation.rule_files.stale_files", lambda: ["expectations/x.json is missing"]
    )
    assert main(["--check"]) == 1
    assert "make rules" in capsys.readouterr().err


def test_a_new_rule_gets_its_suite_and_table_row(generated):
    suites, doc = generated
    extra = Rule(
        name="demo_rule",
        sql="select 'demo_rule' as rule",
        description="A demo.",
        tolerance="none",
        group="one demo",
        label_nl="demo",
        suite_notes="Demo.",
        expectations=RULES[0].expectations,
    )
    assert stale_files([*RULES, extra], suites, doc) == [
        f"{suites / 'demo_rule.json'} is missing",
        f"{doc} is out of date",
    ]
    write_files([*RULES, extra], suites, doc)
    assert (suites / "demo_rule.json").read_text() == suite_text(extra)
    assert "| `demo_rule` | A demo. | one demo | none | demo |" in doc.read_text()


# ------------------------------------------------------------------ what cannot import the registry


def _accepted_rule_values(node, found: list[list[str]]) -> None:
    """Every accepted_values list of a column named `rule`, anywhere in a parsed yml file."""
    if isinstance(node, dict):
        if node.get("name") == "rule":
            for test in node.get("data_tests") or node.get("tests") or []:
                if isinstance(test, dict) and "accepted_values" in test:
                    spec = test["accepted_values"]
                    found.append(list((spec.get("arguments") or spec)["values"]))
        for value in node.values():
            _accepted_rule_values(value, found)
    elif isinstance(node, list):
        for value in node:
            _accepted_rule_values(value, found)


def test_dbt_accepted_values_of_rule_columns_are_the_registry():
    found: list[list[str]] = []
    for path in sorted((REPO_ROOT / "models").rglob("*.yml")):
        _accepted_rule_values(yaml.safe_load(path.read_text(encoding="utf-8")), found)
    assert found, "no accepted_values on a `rule` column: the test would prove nothing"
    for values in found:
        assert sorted(values) == sorted(RULE_NAMES), "update the yml's accepted_values to the registry"


def test_rule_names_in_the_models_sql_are_registry_names():
    named = []
    for path in sorted([*(REPO_ROOT / "models").rglob("*.sql"), *(REPO_ROOT / "macros").rglob("*.sql")]):
        for single, listed in _SQL_RULE_NAMES.findall(path.read_text(encoding="utf-8")):
            named += [(path.name, name) for name in [single, *re.findall(r"'(\w+)'", listed)] if name]
    assert ("edition_summary.sql", RECONCILIATION_RULE) in named  # the pattern finds what is there
    assert [entry for entry in named if entry[1] not in RULES_BY_NAME] == []


def test_sql_rule_name_pattern():
    text = "where rule = 'a' or s.rule <> 'b' and rule in ('c', 'd') and rule_count = 'x'"
    found = [name for single, listed in _SQL_RULE_NAMES.findall(text) for name in [single, listed] if name]
    assert found == ["a", "b", "'c', 'd'"]


# ------------------------------------------------------------------ the report reads it


def _check(rule: str) -> Check:
    return Check(rule, "2021", "business", "q", None, "R", 1, 100.0, 99.0, 101.0, True, False, None)


def test_report_orders_rules_as_the_registry_and_unknown_rules_last():
    checks = [_check("zz_old_rule"), _check("aa_old_rule"), *(_check(name) for name in reversed(RULE_NAMES))]
    data = ReportData(Path("w.duckdb"), [], [], [], {}, checks, "run", datetime(2026, 1, 1), [])
    assert data.rules() == [*RULE_NAMES, "aa_old_rule", "zz_old_rule"]


def test_report_labels_every_rule_in_dutch():
    assert {name: RULE_LABELS[name] for name in RULE_NAMES} == {r.name: r.label_nl for r in RULES}


# ------------------------------------------------------------------ two sets, two names


def _script_constant(path: Path, name: str):
    """A literal constant of a script that runs on import (scripts/check_seed_sums.py)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{path} defines no {name}")


def test_itemised_types_of_the_seed_check_are_the_matrices_plus_mean_scores():
    """check_seed_sums.py's ITEMISED_TYPES (questions whose shares carry an item) and the landing's
    MATRIX_TYPES (matrices whose answers are option labels) are two sets: the mean-score
    questions have items but are no matrix of options."""
    itemised = _script_constant(REPO_ROOT / "scripts" / "check_seed_sums.py", "ITEMISED_TYPES")
    assert set(itemised) == {*MATRIX_TYPES, "mean_score"}
