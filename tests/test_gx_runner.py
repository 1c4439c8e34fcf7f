"""Tests for tendensen.validation.gx_runner: GX suites over hand-made group tables.

GX is slow to import and to start, so one module-scoped fixture runs validate_groups once
over all the hand-made data (every versioned suite, with Data Docs) and the tests only
look at its output. The error cases fail before GX is reached, so they cost nothing.
"""

from __future__ import annotations

import html
import json
import math
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tendensen.validation.gx_runner import (
    DEFAULT_SUITES_DIR,
    SuiteDefinitionError,
    SuiteNotFoundError,
    load_suite_definition,
    validate_groups,
)

NAN = math.nan
KEY_COLUMNS = [
    "rule",
    "edition_id",
    "audience",
    "question_id",
    "item_label",
    "source_report",
    "source_figure",
]
BOUND_SUITES = [
    "single_choice_sums_to_100",
    "matrix_row_sums_to_100",
    "subtotal_equals_parts",
    "computed_matches_published",
    "multi_choice_within_max",
]
ALL_SUITES = [*BOUND_SUITES, "pct_in_range"]

# case -> (observed, lower_bound, upper_bound, expected failure note or None)
BOUND_CASES = {
    "inside": (100.0, 99.0, 101.0, None),
    "on_lower_bound": (99.0, 99.0, 101.0, None),
    "on_upper_bound": (101.0, 99.0, 101.0, None),
    "above_upper": (101.1, 99.0, 101.0, "observed 101.1 is above upper_bound 101.0"),
    "below_lower": (98.9, 99.0, 101.0, "observed 98.9 is below lower_bound 99.0"),
    "observed_nan": (NAN, 99.0, 101.0, "observed is missing"),
    "lower_bound_nan": (100.0, NAN, 101.0, "lower_bound is missing"),
}
# case -> max_option_pct, expected note (multi_choice_within_max only; observed is "inside")
MAX_OPTION_CASES = {
    "max_option_inside": (62.5, None),
    "max_option_on_100": (100.0, None),
    "max_option_above_100": (100.5, "max_option_pct 100.5 is above max_value 100.0"),
    "max_option_nan": (NAN, "max_option_pct is missing"),
}
# case -> (min_pct, max_pct, n_null), expected note (pct_in_range: one row per group of shares;
# observed is the share farthest outside [0, 100], else the largest)
PCT_CASES = {
    "zero": ((0.0, 0.0, 0), None),
    "hundred": ((0.0, 100.0, 0), None),
    "middle": ((12.5, 37.5, 0), None),
    "below_zero": ((-0.1, 40.0, 0), "min_pct -0.1 is below min_value 0.0"),
    "above_hundred": ((3.0, 100.1, 0), "max_pct 100.1 is above max_value 100.0"),
    "one_null_share": ((3.0, 60.0, 1), "n_null 1.0 is above max_value 0.0"),
    "pct_nan": (
        (NAN, NAN, 2),
        "observed is missing; min_pct is missing; max_pct is missing; n_null 2.0 is above max_value 0.0",
    ),
}


def _row(suite: str, case: str, observed, lower, upper, **extra) -> dict:
    keys = dict(
        zip(KEY_COLUMNS, [suite, "2023", "employees", case, None, "report 2023", "figure 4"], strict=True)
    )
    return {**keys, "observed": observed, "lower_bound": lower, "upper_bound": upper, **extra}


def _bound_frame(suite: str) -> pd.DataFrame:
    with_max = suite == "multi_choice_within_max"
    rows = [
        _row(suite, case, obs, lo, hi, **({"max_option_pct": 50.0} if with_max else {}))
        for case, (obs, lo, hi, _) in BOUND_CASES.items()
    ]
    if with_max:
        rows += [
            _row(suite, case, 100.0, 99.0, 101.0, max_option_pct=m)
            for case, (m, _) in MAX_OPTION_CASES.items()
        ]
    # A caller's index need not be 0..n-1: keep it, and prove the answer keeps it too.
    return pd.DataFrame(rows, index=[f"row{i}" for i in range(len(rows))])


def _pct_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            _row(
                "pct_in_range",
                case,
                low if low < 0 else high,
                0.0,
                100.0,
                min_pct=low,
                max_pct=high,
                n_null=nulls,
            )
            for case, ((low, high, nulls), _) in PCT_CASES.items()
        ]
    )


def _expected_notes(suite: str) -> dict[str, str | None]:
    if suite == "pct_in_range":
        return {case: note for case, (_, note) in PCT_CASES.items()}
    notes = {case: note for case, (*_, note) in BOUND_CASES.items()}
    if suite == "multi_choice_within_max":
        notes.update({case: note for case, (_, note) in MAX_OPTION_CASES.items()})
    return notes


@pytest.fixture(scope="module")
def inputs() -> dict[str, pd.DataFrame]:
    frames = {suite: _bound_frame(suite) for suite in BOUND_SUITES}
    frames["pct_in_range"] = _pct_frame()
    return frames


@pytest.fixture(scope="module")
def docs_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("gx_docs")


@pytest.fixture(scope="module")
def results(inputs, docs_dir) -> dict[str, pd.DataFrame]:
    """The one GX run of this module: all six suites in one call, with Data Docs."""
    return validate_groups(inputs, docs_dir=docs_dir, run_name="pytest")


def _by_case(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("question_id")


# --- results per row -------------------------------------------------------------------


def test_every_suite_answers_with_the_input_rows_and_two_new_columns(results, inputs):
    assert set(results) == set(ALL_SUITES)
    for suite, frame in results.items():
        assert list(frame.columns) == [*inputs[suite].columns, "passed", "failure_note"]
        assert frame.index.equals(inputs[suite].index)
        assert frame["passed"].dtype == bool
        pd.testing.assert_frame_equal(frame[inputs[suite].columns], inputs[suite])


@pytest.mark.parametrize("suite", ALL_SUITES)
def test_each_case_passes_or_fails_with_its_note(results, suite):
    frame = _by_case(results[suite])
    for case, note in _expected_notes(suite).items():
        row = frame.loc[case]
        assert row["passed"] == (note is None), (suite, case, row["failure_note"])
        assert row["failure_note"] == note, (suite, case)


@pytest.mark.parametrize("suite", BOUND_SUITES)
def test_values_exactly_on_a_bound_pass(results, suite):
    frame = _by_case(results[suite])
    assert frame.loc[["on_lower_bound", "on_upper_bound"], "passed"].all()


@pytest.mark.parametrize("suite", ALL_SUITES)
def test_nan_observed_fails_instead_of_passing_silently(results, suite):
    case = "pct_nan" if suite == "pct_in_range" else "observed_nan"
    row = _by_case(results[suite]).loc[case]
    assert not row["passed"]
    assert "observed is missing" in row["failure_note"]


def test_failure_note_names_value_and_bound(results):
    note = _by_case(results["single_choice_sums_to_100"]).loc["above_upper", "failure_note"]
    assert "101.1" in note and "upper_bound" in note and "101.0" in note


def test_passing_rows_have_no_note(results):
    for frame in results.values():
        assert frame.loc[frame["passed"], "failure_note"].isna().all()
        assert frame.loc[~frame["passed"], "failure_note"].notna().all()


# --- cases that need no GX run ---------------------------------------------------------


def test_empty_dataframe_returns_the_two_columns():
    empty = pd.DataFrame(
        columns=[*KEY_COLUMNS, "observed", "lower_bound", "upper_bound", "min_pct", "max_pct", "n_null"]
    )
    out = validate_groups({"pct_in_range": empty})["pct_in_range"]
    assert out.empty
    assert list(out.columns) == [*empty.columns, "passed", "failure_note"]


def test_missing_suite_file_is_a_clear_error():
    frame = pd.DataFrame([_row("x", "q", 1.0, 0.0, 100.0)])
    with pytest.raises(SuiteNotFoundError, match=r"no_such_suite\.json"):
        validate_groups({"no_such_suite": frame})
    with pytest.raises(FileNotFoundError):
        load_suite_definition("no_such_suite")


@pytest.mark.parametrize(
    "content, problem",
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"name": "other", "expectations": []}), '"name" must be'),
        (json.dumps({"name": "broken", "expectations": []}), "non-empty list"),
        (json.dumps({"name": "broken", "expectations": [{"type": "expect_x"}]}), '"kwargs"'),
    ],
)
def test_malformed_suite_file_is_a_clear_error(tmp_path, content, problem):
    (tmp_path / "broken.json").write_text(content)
    with pytest.raises(SuiteDefinitionError, match=re.escape(problem)) as error:
        load_suite_definition("broken", tmp_path)
    assert str(tmp_path / "broken.json") in str(error.value)


def test_frame_without_a_checked_column_is_refused():
    frame = pd.DataFrame([_row("x", "q", 1.0, 0.0, 100.0)]).drop(columns="upper_bound")
    with pytest.raises(SuiteDefinitionError, match="upper_bound"):
        validate_groups({"single_choice_sums_to_100": frame})


def test_versioned_suites_have_the_documented_shape():
    for suite in ALL_SUITES:
        definition = load_suite_definition(suite)
        assert (DEFAULT_SUITES_DIR / f"{suite}.json").is_file()
        for expectation in definition["expectations"]:
            assert expectation["meta"]["notes"].strip(), (suite, expectation["type"])
        columns = {
            expectation["kwargs"].get("column")
            for expectation in definition["expectations"]
            if expectation["type"] == "expect_column_values_to_not_be_null"
        }
        assert "observed" in columns


# --- extra inputs GX must cope with (GX is already imported by the fixture) -------------


def test_unknown_expectation_type_is_a_clear_error(tmp_path, results):
    suite = {
        "name": "typo",
        "expectations": [{"type": "expect_column_values_to_be_betwen", "kwargs": {"column": "observed"}}],
    }
    (tmp_path / "typo.json").write_text(json.dumps(suite))
    frame = pd.DataFrame([_row("typo", "q", 1.0, 0.0, 100.0)])
    with pytest.raises(SuiteDefinitionError, match="expect_column_values_to_be_betwen"):
        validate_groups({"typo": frame}, suites_dir=tmp_path)


def test_decimal_values_and_duplicate_index(results):
    frame = pd.DataFrame(
        [
            _row("single_choice_sums_to_100", "ok", Decimal("99.5"), Decimal("98.5"), Decimal("101.5")),
            _row(
                "single_choice_sums_to_100", "too_high", Decimal("101.6"), Decimal("98.5"), Decimal("101.5")
            ),
            _row("single_choice_sums_to_100", "none", None, Decimal("98.5"), Decimal("101.5")),
        ],
        index=[7, 7, 7],
    )
    out = validate_groups({"single_choice_sums_to_100": frame})["single_choice_sums_to_100"]
    assert out["passed"].tolist() == [True, False, False]
    assert out["failure_note"].tolist() == [
        None,
        "observed 101.6 is above upper_bound 101.5",
        "observed is missing",
    ]
    assert out.index.tolist() == [7, 7, 7]


# --- Data Docs -------------------------------------------------------------------------

REMOTE_ASSET = re.compile(
    r"""<(?:link\b[^>]*\bhref|script\b[^>]*\bsrc|img\b[^>]*\bsrc)\s*=\s*["']?\s*(?:https?:)?//""", re.I
)


def _html_pages(docs_dir: Path) -> list[Path]:
    return sorted(docs_dir.rglob("*.html"))


def _visible_text(page: str) -> str:
    """What a browser without JavaScript (or network) shows: the text outside tags."""
    page = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", page, flags=re.S | re.I)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_docs_have_an_index_and_a_page_per_suite(results, docs_dir):
    assert (docs_dir / "index.html").is_file()
    for suite in ALL_SUITES:
        assert list((docs_dir / "validations" / suite).rglob("*.html")), suite
        assert (docs_dir / "expectations" / f"{suite}.html").is_file()


def test_docs_load_no_remote_assets_and_need_no_javascript(results, docs_dir):
    pages = _html_pages(docs_dir)
    assert len(pages) >= 1 + 2 * len(ALL_SUITES)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not REMOTE_ASSET.search(text), page
        assert "<script" not in text.lower(), page
    for stylesheet in docs_dir.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", stylesheet.read_text()), stylesheet


def test_index_text_shows_every_suite_and_its_status(results, docs_dir):
    text = _visible_text((docs_dir / "index.html").read_text(encoding="utf-8"))
    for suite in ALL_SUITES:
        assert suite in text
    assert "failed" in text and "passed" in text
    assert "expect_column_pair_values_a_to_be_greater_than_b" in text
    assert "observed 101.1 is above upper_bound 101.0" in text
    links = re.findall(r'href="([^"]+)"', (docs_dir / "index.html").read_text())
    for link in (link for link in links if not link.startswith("#")):
        assert (docs_dir / link).is_file(), link


def test_validation_pages_show_results_as_text(results, docs_dir):
    statuses = set()
    for suite in ALL_SUITES:
        (page,) = (docs_dir / "validations" / suite).rglob("*.html")
        text = _visible_text(page.read_text(encoding="utf-8"))
        assert f"Expectation Suite: {suite}" in text
        assert "Status: Failed" in text
        assert "must never be null" in text
        assert "failed" in text  # per-expectation status as a word, not a CDN icon
        statuses.update(word for word in ("passed", "failed") if word in text)
    assert statuses == {"passed", "failed"}
