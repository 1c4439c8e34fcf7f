"""Run the project's Great Expectations suites over validation "group" tables.

A validation rule is computed in pandas as a table of groups: one row per checked group
(for example the options of one survey question for one edition and audience) with key
columns and value columns such as ``observed``, ``lower_bound`` and ``upper_bound``. The
versioned suite ``expectations/<rule>.json`` (suite_files.py) says what must hold for every
row. This module runs the suites with GX Core 1.x and answers, per row, whether it passed and
why not, so the caller can report failing groups by their keys rather than by GX's aggregate
counts. The Data Docs of a run, made readable offline, are data_docs.py's.

GX is imported inside the functions only: importing it is slow, and the modules that
import this one (Dagster definitions, the CLI) must stay fast to load.
"""

from __future__ import annotations

import math
import numbers
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from tendensen.validation.data_docs import build_offline_docs, docs_sites_config, write_offline_index
from tendensen.validation.suite_files import (
    COLUMN_KWARGS,
    DEFAULT_SUITES_DIR,
    SuiteDefinitionError,
    SuiteNotFoundError,
    checked_columns,
    domain_text,
    load_suite_definition,
    require_columns,
)

if TYPE_CHECKING:  # pragma: no cover - typing only, GX is imported lazily
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context import AbstractDataContext

# Re-exported: the suite files' API is part of this module's (callers and tests import it here).
__all__ = [
    "DEFAULT_SUITES_DIR",
    "FAILURE_NOTE_COLUMN",
    "PASSED_COLUMN",
    "SuiteDefinitionError",
    "SuiteNotFoundError",
    "ValidationRunError",
    "load_suite_definition",
    "validate_groups",
]

PASSED_COLUMN = "passed"
FAILURE_NOTE_COLUMN = "failure_note"


class ValidationRunError(RuntimeError):
    """GX could not evaluate an expectation, so no row can be said to pass."""


# ---------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------


@dataclass
class SuiteRun:
    """What one suite's validation produced, kept together for annotation and docs."""

    name: str
    definition: dict
    frame: pd.DataFrame
    result: ExpectationSuiteValidationResult | None = None
    # position in frame -> failure notes, in expectation order
    notes_by_row: dict[int, list[str]] = field(default_factory=dict)


def validate_groups(
    groups_by_suite: dict[str, pd.DataFrame],
    docs_dir: Path | None = None,
    run_name: str | None = None,
    *,
    suites_dir: Path = DEFAULT_SUITES_DIR,
) -> dict[str, pd.DataFrame]:
    """Validate each suite's group table and say, per row, whether it passed and why not.

    Returns, per suite name, a copy of the DataFrame (same index) with a bool ``passed``
    column (the row is unexpected in no expectation) and a ``failure_note`` column (the
    failing expectations in words, None when passed). A missing value in a checked column
    always fails the row. One GX context serves the whole call, because creating one is
    slow. With ``docs_dir``, GX Data Docs for these results are written there and made
    readable offline; the return value does not depend on it.
    """
    runs = _prepare_runs(groups_by_suite, suites_dir)
    to_validate = [run for run in runs if not run.frame.empty]
    if to_validate:
        context = _make_context(docs_dir)
        datasource = context.data_sources.add_pandas(name="validation_groups")
        run_id = _make_run_id(run_name)
        for run in to_validate:
            run.result = _run_suite(context, datasource, run, run_id)
            run.notes_by_row = _failure_notes(run)
        if docs_dir is not None:
            build_offline_docs(context, Path(docs_dir), runs, run_id)
    elif docs_dir is not None:
        write_offline_index(Path(docs_dir), runs, links={}, run_label=run_name)
    return {run.name: _annotate(groups_by_suite[run.name], run.notes_by_row) for run in runs}


def _prepare_runs(groups_by_suite: dict[str, pd.DataFrame], suites_dir: Path) -> list[SuiteRun]:
    """Load every suite and check its frame up front, so errors come before GX starts."""
    runs = []
    for name, frame in groups_by_suite.items():
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"groups_by_suite[{name!r}] must be a pandas DataFrame, got {type(frame)}")
        definition = load_suite_definition(name, suites_dir)
        require_columns(name, definition, frame)
        runs.append(SuiteRun(name, definition, _frame_for_gx(frame, checked_columns(definition))))
    return runs


def _frame_for_gx(frame: pd.DataFrame, checked: list[str]) -> pd.DataFrame:
    """Copy with a 0..n-1 index, so GX's unexpected_index_list are row positions.

    Caller indexes may be duplicated or non-numeric. Object columns holding only numbers
    (DuckDB DECIMALs arrive as ``decimal.Decimal``) become float, so comparisons and the
    notes treat them as numbers.
    """
    copy = frame.reset_index(drop=True)
    for column in checked:
        values = copy[column]
        if values.dtype == object and _all_numbers(values.dropna()):
            copy[column] = values.astype(float)
    return copy


def _all_numbers(values: pd.Series) -> bool:
    return all(isinstance(v, numbers.Number) and not isinstance(v, bool) for v in values)


def _make_context(docs_dir: Path | None) -> AbstractDataContext:
    """An in-memory GX context without analytics or progress bars (one per call: it is slow)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        data_docs_sites=docs_sites_config(docs_dir),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _make_run_id(run_name: str | None) -> RunIdentifier:
    """One run id for all suites of a call, so their Data Docs pages group together."""
    import datetime

    from great_expectations.core.run_identifier import RunIdentifier

    return RunIdentifier(run_name=run_name, run_time=datetime.datetime.now(datetime.timezone.utc))


def _build_suite(suite_name: str, definition: dict):
    """Turn the suite JSON into a GX ExpectationSuite, failing loudly on a bad expectation.

    ``ExpectationSuite(expectations=[dicts])`` only logs and drops an invalid expectation,
    which would make a broken rule pass silently; building each one first raises instead.
    ``meta.notes`` also becomes GX's ``notes`` so Data Docs show it next to the expectation.
    """
    import great_expectations as gx
    from great_expectations.exceptions import (
        ExpectationNotFoundError,
        InvalidExpectationConfigurationError,
    )
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    expectations = []
    for number, spec in enumerate(definition["expectations"], start=1):
        meta = dict(spec.get("meta") or {})
        try:
            configuration = ExpectationConfiguration(
                type=spec["type"],
                kwargs=dict(spec["kwargs"]),
                meta=meta,
                notes=spec.get("notes") or meta.get("notes"),
            )
            expectations.append(configuration.to_domain_obj())
        except (ExpectationNotFoundError, InvalidExpectationConfigurationError, TypeError) as exc:
            raise SuiteDefinitionError(
                f"Suite {suite_name!r}: expectation #{number} ({spec['type']}) is not valid "
                f"for GX: {getattr(exc, 'message', exc)}"
            ) from exc
    return gx.ExpectationSuite(name=suite_name, expectations=expectations, notes=definition.get("notes"))


def _run_suite(context: AbstractDataContext, datasource: Any, run: SuiteRun, run_id: RunIdentifier):
    """Validate one frame as a whole-dataframe batch, with COMPLETE results (row indexes).

    Each suite gets its own dataframe asset and validation definition: a Checkpoint runs
    all its definitions on one set of batch parameters, i.e. one DataFrame.
    """
    import great_expectations as gx

    asset = datasource.add_dataframe_asset(name=run.name)
    batch_definition = asset.add_batch_definition_whole_dataframe(name=f"{run.name} groups")
    suite = context.suites.add(_build_suite(run.name, run.definition))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"validate {run.name}", data=batch_definition, suite=suite)
    )
    result = validation.run(
        batch_parameters={"dataframe": run.frame}, result_format="COMPLETE", run_id=run_id
    )
    _raise_on_exceptions(run.name, result)
    return result


def _raise_on_exceptions(suite_name: str, result: ExpectationSuiteValidationResult) -> None:
    """An expectation GX could not evaluate must not look like a pass or a plain failure."""
    for expectation_result in result.results:
        info = expectation_result.exception_info or {}
        if info.get("raised_exception"):
            raise ValidationRunError(
                f"Suite {suite_name!r}: GX could not evaluate "
                f"{expectation_result.expectation_config.type} "
                f"{domain_text(expectation_result.expectation_config.kwargs)}: "
                f"{info.get('exception_message')}"
            )


# ---------------------------------------------------------------------------------------
# Failure notes
# ---------------------------------------------------------------------------------------


def _failure_notes(run: SuiteRun) -> dict[int, list[str]]:
    """Map each failing row position to its failure notes, without duplicates.

    GX's ``unexpected_index_list`` says which rows an expectation rejected; the notes are
    worded from the row's own values. Missing values in checked columns are added here too,
    because GX's value-range expectations skip nulls instead of rejecting them.
    """
    notes: dict[int, list[str]] = {}

    def add(position: int, note: str) -> None:
        row_notes = notes.setdefault(position, [])
        for part in note.split("; "):  # a note may hold several facts ("a is missing; b is missing")
            if part not in row_notes:
                row_notes.append(part)

    for position in _rows_with_missing(run.frame, checked_columns(run.definition)):
        for column in checked_columns(run.definition):
            if _is_missing(run.frame.at[position, column]):
                add(position, f"{column} is missing")
    assert run.result is not None
    for expectation_result in run.result.results:
        for position, note in _expectation_failures(expectation_result, run.frame):
            add(position, note)
    return {position: notes[position] for position in sorted(notes)}


def _rows_with_missing(frame: pd.DataFrame, columns: list[str]) -> list[int]:
    if not columns:
        return []
    return [int(p) for p in frame.index[frame[columns].isna().any(axis=1)]]


def _expectation_failures(
    expectation_result: ExpectationValidationResult, frame: pd.DataFrame
) -> list[tuple[int, str]]:
    """(row position, note) for every row the expectation rejected.

    An expectation without row indexes (an aggregate one, such as a column mean) that
    fails rejects every row: no row can then be vouched for.
    """
    config = expectation_result.expectation_config
    positions = expectation_result.result.get("unexpected_index_list")
    if positions is None or (positions and isinstance(positions[0], dict)):
        if expectation_result.success:
            return []
        note = f"{config.type} failed for the whole table {domain_text(config.kwargs)}"
        return [(int(p), note) for p in frame.index]
    return [(int(p), _describe_failure(config.type, config.kwargs, frame.loc[int(p)])) for p in positions]


def _describe_failure(kind: str, kwargs: dict, row: pd.Series) -> str:
    """Say in words why one row fails one expectation, using the row's values."""
    describe = _DESCRIBERS.get(kind)
    if describe is not None:
        return describe(kwargs, row)
    columns = [kwargs[k] for k in COLUMN_KWARGS if isinstance(kwargs.get(k), str)]
    values = ", ".join(f"{c} {_fmt(row[c])}" for c in columns)
    return f"fails {kind} ({values})" if values else f"fails {kind}"


def _describe_not_null(kwargs: dict, row: pd.Series) -> str:
    return f"{kwargs['column']} is missing"


def _describe_a_greater_than_b(kwargs: dict, row: pd.Series) -> str:
    """Word ``A >(=) B`` failures around ``observed``: "observed 106.0 is above upper_bound 103.0"."""
    a_name, b_name = kwargs["column_A"], kwargs["column_B"]
    a, b = row[a_name], row[b_name]
    missing = [name for name, value in ((a_name, a), (b_name, b)) if _is_missing(value)]
    if missing:
        return "; ".join(f"{name} is missing" for name in missing)
    strict = not kwargs.get("or_equal")
    if b_name == "observed":  # the bound is column A: say how observed exceeds it
        relation = "is at or above" if strict else "is above"
        return f"{b_name} {_fmt(b)} {relation} {a_name} {_fmt(a)}"
    relation = "is at or below" if strict else "is below"
    return f"{a_name} {_fmt(a)} {relation} {b_name} {_fmt(b)}"


def _describe_between(kwargs: dict, row: pd.Series) -> str:
    """Word a range failure: "max_option_pct 101.0 is above max_value 100.0"."""
    column = kwargs["column"]
    value = row[column]
    if _is_missing(value):
        return f"{column} is missing"
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if low is not None and (value < low or (kwargs.get("strict_min") and value == low)):
        relation = "is at or below" if value == low else "is below"
        return f"{column} {_fmt(value)} {relation} min_value {_fmt(low)}"
    if high is not None and (value > high or (kwargs.get("strict_max") and value == high)):
        relation = "is at or above" if value == high else "is above"
        return f"{column} {_fmt(value)} {relation} max_value {_fmt(high)}"
    return f"{column} {_fmt(value)} is outside [{_fmt(low)}, {_fmt(high)}]"


_DESCRIBERS = {
    "expect_column_values_to_not_be_null": _describe_not_null,
    "expect_column_pair_values_a_to_be_greater_than_b": _describe_a_greater_than_b,
    "expect_column_values_to_be_between": _describe_between,
}


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like values are never "missing"
        return False


def _fmt(value: Any) -> str:
    """Numbers as floats ("106.0"), with full precision so near-misses stay visible."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        return repr(number) if math.isfinite(number) else str(number)
    return str(value)


def _annotate(frame: pd.DataFrame, notes_by_row: dict[int, list[str]]) -> pd.DataFrame:
    """Copy of the caller's frame (its own index) plus ``passed`` and ``failure_note``."""
    annotated = frame.copy()
    notes = [notes_by_row.get(position) for position in range(len(frame))]
    annotated[PASSED_COLUMN] = pd.Series([not n for n in notes], index=frame.index, dtype=bool)
    annotated[FAILURE_NOTE_COLUMN] = pd.Series(
        ["; ".join(n) if n else None for n in notes], index=frame.index, dtype=object
    )
    return annotated
