"""Each share rule on hand-made data: groups that must pass, one off by exactly the
tolerance (passes) and one just beyond it (fails). Runs the real rule SQL and the real
Great Expectations suites over a tiny warehouse built here, no dbt involved.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tendensen.validation.gx_runner import validate_groups
from tendensen.validation.rules import RULES_BY_NAME

SHARE_COLUMNS = {
    "edition_id": "varchar",
    "audience": "varchar",
    "question_id": "varchar",
    "question_type": "varchar",
    "max_choices": "integer",
    "item_label": "varchar",
    "option_label": "varchar",
    "is_subtotal": "boolean",
    "is_partial": "boolean",
    "pct": "double",
    "source": "varchar",
    "source_report": "varchar",
    "source_figure": "integer",
}


def share(
    question,
    option,
    pct,
    *,
    qtype="single_choice",
    edition="2021",
    audience="business",
    item=None,
    max_choices=None,
    subtotal=False,
    partial=False,
    source="published",
):
    return dict(
        edition_id=edition,
        audience=audience,
        question_id=question,
        question_type=qtype,
        max_choices=max_choices,
        item_label=item,
        option_label=option,
        is_subtotal=subtotal,
        is_partial=partial,
        pct=pct,
        source=source,
        source_report="Handgemaakt rapport",
        source_figure=1,
    )


def distribution(question, pcts, **kwargs):
    return [share(question, f"optie {index}", pct, **kwargs) for index, pct in enumerate(pcts, 1)]


# question -> list of shares; the question id says what is expected.
SHARES = [
    # single choice, k = 4 options: allowed 100 ± 2
    *distribution("sc_exact_100", [25, 25, 25, 25]),
    *distribution("sc_on_upper_tolerance", [26, 26, 25, 25]),  # 102
    *distribution("sc_on_lower_tolerance", [24, 24, 25, 25]),  # 98
    *distribution("sc_beyond_upper", [26, 26, 25, 25.01]),  # 102.01
    *distribution("sc_beyond_lower", [24, 24, 25, 24.99]),  # 97.99
    # a subtotal row is never part of the sum
    *distribution("sc_with_subtotal", [40, 60]),
    share("sc_with_subtotal", "subtotaal", 100, subtotal=True),
    # numbers quoted in prose are partial: never checked for sums
    *distribution("sc_partial", [46], partial=True),
    # matrix, k = 2 per row: allowed 100 ± 1, per item
    *distribution("mx_rows", [50, 51], qtype="agreement_matrix", item="rij op de grens"),
    *distribution("mx_rows", [50, 51.01], qtype="agreement_matrix", item="rij erbuiten"),
    # pick up to 3 of k = 4: at most 300 + 2
    *distribution("mc_on_max", [80, 80, 80, 62], qtype="multi_choice", max_choices=3),
    *distribution("mc_beyond_max", [80, 80, 80, 62.01], qtype="multi_choice", max_choices=3),
    *distribution("mc_option_above_100", [100.5, 10, 10, 10], qtype="multi_choice", max_choices=3),
]

# subtotal with p = 2 parts (1 + 12 = 13): allowed 13 ± 1.5
SUBTOTAL_CASES = {
    "st_on_lower": 11.5,
    "st_on_upper": 14.5,
    "st_beyond_lower": 11.49,
    "st_beyond_upper": 14.51,
}
for question, subtotal_pct in SUBTOTAL_CASES.items():
    SHARES += [
        share(question, "nee zeker niet", 1),
        share(question, "nee eerder niet", 12),
        share(question, "nee", subtotal_pct, subtotal=True),
    ]

RANGE_CASES = {"pr_zero_and_hundred": [0, 100], "pr_negative": [-0.01, 50], "pr_above_hundred": [0, 100.01]}
for question, pcts in RANGE_CASES.items():
    SHARES += distribution(question, pcts, partial=True)  # partial: only the range rule applies
SHARES += [share("pr_null", "optie 1", None, partial=True)]


def build_tiny_warehouse(path, shares):
    frame = pd.DataFrame(shares, columns=list(SHARE_COLUMNS))
    options = frame[["question_id", "option_label"]].drop_duplicates()
    options["option_key"] = options["question_id"] + "/" + options["option_label"]
    options["subtotal_option_key"] = [
        f"{question}/nee" if question.startswith("st_") and label.startswith("nee ") else None
        for question, label in zip(options["question_id"], options["option_label"], strict=True)
    ]
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        columns = ", ".join(f"{name} {sql_type}" for name, sql_type in SHARE_COLUMNS.items())
        con.execute(f"create table marts.answer_shares ({columns})")
        con.register("shares", frame)
        con.execute("insert into marts.answer_shares by name select * from shares")
        con.register("options", options)
        con.execute("create table marts.dim_option as select * from options")
    finally:
        con.close()


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("rules") / "tiny.duckdb"
    build_tiny_warehouse(path, SHARES)
    with duckdb.connect(str(path), read_only=True) as con:
        groups = {name: con.execute(rule.sql).df() for name, rule in RULES_BY_NAME.items()}
    validated = validate_groups(groups)
    return pd.concat(validated.values(), ignore_index=True)


def outcome(checked, rule, question, item=None) -> bool:
    rows = checked[(checked["rule"] == rule) & (checked["question_id"] == question)]
    if item is not None:
        rows = rows[rows["item_label"] == item]
    assert len(rows) == 1, (rule, question, item, rows)
    return bool(rows["passed"].iloc[0])


@pytest.mark.parametrize(
    "question, expected",
    [
        ("sc_exact_100", True),
        ("sc_on_upper_tolerance", True),
        ("sc_on_lower_tolerance", True),
        ("sc_beyond_upper", False),
        ("sc_beyond_lower", False),
        ("sc_with_subtotal", True),
    ],
)
def test_single_choice_sums_to_100(checked, question, expected):
    assert outcome(checked, "single_choice_sums_to_100", question) is expected


def test_single_choice_tolerance_is_half_the_number_of_options(checked):
    row = checked[
        (checked["rule"] == "single_choice_sums_to_100") & (checked["question_id"] == "sc_exact_100")
    ]
    assert (row["lower_bound"].iloc[0], row["upper_bound"].iloc[0]) == (98.0, 102.0)


def test_partial_distributions_are_never_summed(checked):
    summed = checked[checked["rule"] != "pct_in_range"]
    assert not summed["question_id"].isin(["sc_partial", "pr_null", *RANGE_CASES]).any()


@pytest.mark.parametrize("item, expected", [("rij op de grens", True), ("rij erbuiten", False)])
def test_matrix_row_sums_to_100(checked, item, expected):
    assert outcome(checked, "matrix_row_sums_to_100", "mx_rows", item) is expected


@pytest.mark.parametrize(
    "question, expected",
    [
        ("mc_on_max", True),
        ("mc_beyond_max", False),
        ("mc_option_above_100", False),
    ],
)
def test_multi_choice_within_max(checked, question, expected):
    assert outcome(checked, "multi_choice_within_max", question) is expected


def test_multi_choice_bound_is_max_choices_hundreds_plus_half_the_options(checked):
    row = checked[(checked["rule"] == "multi_choice_within_max") & (checked["question_id"] == "mc_on_max")]
    assert row["upper_bound"].iloc[0] == 302.0


@pytest.mark.parametrize(
    "question, expected",
    [
        ("st_on_lower", True),
        ("st_on_upper", True),
        ("st_beyond_lower", False),
        ("st_beyond_upper", False),
    ],
)
def test_subtotal_equals_parts(checked, question, expected):
    assert outcome(checked, "subtotal_equals_parts", question) is expected


@pytest.mark.parametrize(
    "question, expected",
    [
        ("pr_zero_and_hundred", True),
        ("pr_negative", False),
        ("pr_above_hundred", False),
        ("pr_null", False),
    ],
)
def test_pct_in_range(checked, question, expected):
    assert outcome(checked, "pct_in_range", question) is expected


def test_failing_group_says_why(checked):
    row = checked[
        (checked["rule"] == "single_choice_sums_to_100") & (checked["question_id"] == "sc_beyond_upper")
    ]
    assert row["failure_note"].iloc[0] == "observed 102.01 is above upper_bound 102.0"
