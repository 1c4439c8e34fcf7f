"""Run the project's Great Expectations suites over validation "group" tables.

A validation rule is computed in pandas as a table of groups: one row per checked group
(for example the options of one survey question for one edition and audience) with key
columns and value columns such as ``observed``, ``lower_bound`` and ``upper_bound``. The
versioned suite ``expectations/<rule>.json`` says what must hold for every row. This module
runs the suites with GX Core 1.x and answers, per row, whether it passed and why not, so
the caller can report failing groups by their keys rather than by GX's aggregate counts.

GX is imported inside the functions only: importing it takes seconds, and the modules that
import this one (Dagster definitions, the CLI) must stay fast to load.
"""

from __future__ import annotations

import html
import json
import math
import numbers
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover - typing only, GX is imported lazily
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context import AbstractDataContext

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SUITES_DIR = REPO_ROOT / "expectations"

PASSED_COLUMN = "passed"
FAILURE_NOTE_COLUMN = "failure_note"

# Expectation kwargs that name the columns an expectation reads.
_COLUMN_KWARGS = ("column", "column_A", "column_B")
_COLUMN_LIST_KWARGS = ("column_list",)
# GX names the data docs site; our post-processing only touches the pages it writes.
_DOCS_SITE_NAME = "offline_docs"
_DOCS_PAGE_DIRS = ("validations", "expectations")


class SuiteDefinitionError(ValueError):
    """A suite file is malformed, or does not fit the DataFrame it must check."""


class SuiteNotFoundError(SuiteDefinitionError, FileNotFoundError):
    """The suite file ``expectations/<suite_name>.json`` does not exist."""


class ValidationRunError(RuntimeError):
    """GX could not evaluate an expectation, so no row can be said to pass."""


# ---------------------------------------------------------------------------------------
# Suite files
# ---------------------------------------------------------------------------------------


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


def _checked_columns(definition: dict) -> list[str]:
    """Columns read by the suite's expectations, in first-use order."""
    columns: list[str] = []
    for expectation in definition["expectations"]:
        kwargs = expectation["kwargs"]
        names = [kwargs[k] for k in _COLUMN_KWARGS if isinstance(kwargs.get(k), str)]
        for key in _COLUMN_LIST_KWARGS:
            names.extend(c for c in kwargs.get(key) or [] if isinstance(c, str))
        columns.extend(name for name in names if name not in columns)
    return columns


def _require_columns(suite_name: str, definition: dict, frame: pd.DataFrame) -> None:
    """Refuse a frame that lacks a checked column: GX would only report an exception."""
    missing = [c for c in _checked_columns(definition) if c not in frame.columns]
    if missing:
        raise SuiteDefinitionError(
            f"Suite {suite_name!r} checks column(s) {missing} that its DataFrame lacks "
            f"(columns: {list(frame.columns)})"
        )


# ---------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------


@dataclass
class _SuiteRun:
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
            _build_offline_docs(context, Path(docs_dir), runs, run_id)
    elif docs_dir is not None:
        _write_offline_index(Path(docs_dir), runs, links={}, run_label=run_name)
    return {run.name: _annotate(groups_by_suite[run.name], run.notes_by_row) for run in runs}


def _prepare_runs(groups_by_suite: dict[str, pd.DataFrame], suites_dir: Path) -> list[_SuiteRun]:
    """Load every suite and check its frame up front, so errors come before GX starts."""
    runs = []
    for name, frame in groups_by_suite.items():
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"groups_by_suite[{name!r}] must be a pandas DataFrame, got {type(frame)}")
        definition = load_suite_definition(name, suites_dir)
        _require_columns(name, definition, frame)
        runs.append(_SuiteRun(name, definition, _frame_for_gx(frame, _checked_columns(definition))))
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
        data_docs_sites=_docs_sites_config(docs_dir),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _docs_sites_config(docs_dir: Path | None) -> dict:
    """One filesystem docs site in docs_dir, or none (GX then writes no HTML at all)."""
    if docs_dir is None:
        return {}
    return {
        _DOCS_SITE_NAME: {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(Path(docs_dir).resolve()),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    }


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


def _run_suite(context: AbstractDataContext, datasource: Any, run: _SuiteRun, run_id: RunIdentifier):
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
                f"{_domain_text(expectation_result.expectation_config.kwargs)}: "
                f"{info.get('exception_message')}"
            )


# ---------------------------------------------------------------------------------------
# Failure notes
# ---------------------------------------------------------------------------------------


def _failure_notes(run: _SuiteRun) -> dict[int, list[str]]:
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

    for position in _rows_with_missing(run.frame, _checked_columns(run.definition)):
        for column in _checked_columns(run.definition):
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
        note = f"{config.type} failed for the whole table {_domain_text(config.kwargs)}"
        return [(int(p), note) for p in frame.index]
    return [(int(p), _describe_failure(config.type, config.kwargs, frame.loc[int(p)])) for p in positions]


def _describe_failure(kind: str, kwargs: dict, row: pd.Series) -> str:
    """Say in words why one row fails one expectation, using the row's values."""
    describe = _DESCRIBERS.get(kind)
    if describe is not None:
        return describe(kwargs, row)
    columns = [kwargs[k] for k in _COLUMN_KWARGS if isinstance(kwargs.get(k), str)]
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


def _domain_text(kwargs: dict) -> str:
    columns = [f"{k}={kwargs[k]}" for k in (*_COLUMN_KWARGS, *_COLUMN_LIST_KWARGS) if k in kwargs]
    return f"({', '.join(columns)})" if columns else ""


def _annotate(frame: pd.DataFrame, notes_by_row: dict[int, list[str]]) -> pd.DataFrame:
    """Copy of the caller's frame (its own index) plus ``passed`` and ``failure_note``."""
    annotated = frame.copy()
    notes = [notes_by_row.get(position) for position in range(len(frame))]
    annotated[PASSED_COLUMN] = pd.Series([not n for n in notes], index=frame.index, dtype=bool)
    annotated[FAILURE_NOTE_COLUMN] = pd.Series(
        ["; ".join(n) if n else None for n in notes], index=frame.index, dtype=object
    )
    return annotated


# ---------------------------------------------------------------------------------------
# Offline Data Docs
# ---------------------------------------------------------------------------------------

_OFFLINE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:1.5rem;
color:#1d2327;line-height:1.4;max-width:90rem}
table{border-collapse:collapse;margin:.5rem 0 1rem}
th,td{border:1px solid #ccd0d4;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f2f4}
a{color:#0a58ca}
img,svg{max-width:2rem;max-height:2rem}
.text-success,.passed{color:#146c2e;font-weight:600}
.text-danger,.failed{color:#b02a37;font-weight:600}
.card,.gx-section{border:1px solid #dde1e4;border-radius:4px;padding:.5rem 1rem;margin:.75rem 0}
.sr-only{display:none}
code,pre{background:#f6f8fa;padding:0 .2rem}
nav ul,ul.nav{list-style:none;padding-left:0}
"""

# Remote assets GX pages load from CDNs; offline they only delay rendering, and the inline
# scripts that use them (jQuery/bootstrap-table) fail without them, so all go.
_REMOTE_LINK = re.compile(r"""<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?//[^>]*>""", re.I)
_REMOTE_SCRIPT = re.compile(
    r"""<script\b[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?//[^>]*>.*?</script\s*>""", re.I | re.S
)
_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.I | re.S)
_REMOTE_IMG = re.compile(r"""<img\b[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?//[^>]*>""", re.I)
_REMOTE_CSS_URL = re.compile(r"""url\(\s*["']?(?:https?:)?//[^)]*\)""", re.I)
_NEWSLETTER_FOOTER = re.compile(r"<footer\b[^>]*>(?:(?!</footer).)*newsletter.*?</footer\s*>", re.I | re.S)
# GX shows each expectation's status only as a Font Awesome icon (from a CDN); offline the
# cell would be empty, so the icons become words. Icons marked aria-hidden have text beside.
_STATUS_ICONS = (
    (
        re.compile(r"<i class=\"fas fa-check-circle text-success\"\s*></i>"),
        '<span class="passed">passed</span>',
    ),
    (re.compile(r"<i class=\"fas fa-times text-danger\"\s*></i>"), '<span class="failed">failed</span>'),
    (re.compile(r"<i class=\"fas [^\"]*\"\s*aria-hidden=\"true\"\s*></i>"), ""),
)
_OFFLINE_MARK = "<!-- offline: remote assets removed by gx_runner -->"


def _build_offline_docs(
    context: AbstractDataContext, docs_dir: Path, runs: list[_SuiteRun], run_id: RunIdentifier
) -> None:
    """Build GX Data Docs into docs_dir, then make every page readable without a network.

    GX's index page fills its tables with JavaScript from CDNs, so it is replaced by a
    static index of this call's results linking to GX's (static) validation pages.
    """
    docs_dir.mkdir(parents=True, exist_ok=True)
    context.build_data_docs(site_names=[_DOCS_SITE_NAME])
    links = {run.name: _page_links(context, run, run_id, docs_dir) for run in runs if run.result}
    for page in _docs_pages(docs_dir):
        page.write_text(make_html_offline(page.read_text(encoding="utf-8")), encoding="utf-8")
    for stylesheet in (docs_dir / "static").rglob("*.css"):
        text = stylesheet.read_text(encoding="utf-8")
        stylesheet.write_text(_REMOTE_CSS_URL.sub("none", text), encoding="utf-8")
    _write_offline_index(docs_dir, runs, links, run_label=run_id.run_name)


def _page_links(
    context: AbstractDataContext, run: _SuiteRun, run_id: RunIdentifier, docs_dir: Path
) -> dict[str, str | None]:
    """Relative paths of the validation and suite pages GX wrote for one suite."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    suite_id = ExpectationSuiteIdentifier(name=run.name)
    result_id = ValidationResultIdentifier(
        expectation_suite_identifier=suite_id, run_id=run_id, batch_identifier=run.result.batch_id
    )
    return {
        "validation": _site_path(context, result_id, docs_dir),
        "suite": _site_path(context, suite_id, docs_dir),
    }


def _site_path(context: AbstractDataContext, identifier: Any, docs_dir: Path) -> str | None:
    urls = context.get_docs_sites_urls(
        resource_identifier=identifier, site_name=_DOCS_SITE_NAME, only_if_exists=True
    )
    url = urls[0]["site_url"] if urls else None
    if not url:
        return None
    path = Path(unquote(urlparse(url).path))
    try:
        return path.resolve().relative_to(docs_dir.resolve()).as_posix()
    except ValueError:
        return None


def _docs_pages(docs_dir: Path) -> list[Path]:
    """The HTML pages GX generates (not any other HTML a user keeps in docs_dir)."""
    return [page for sub in _DOCS_PAGE_DIRS for page in sorted((docs_dir / sub).rglob("*.html"))]


def make_html_offline(page: str) -> str:
    """Remove CDN stylesheets, scripts, images and GX's newsletter footer; inline a small stylesheet.

    The result text still holds every validation result GX rendered (suite, expectation,
    status, unexpected values): those are static HTML; only decoration and interactivity
    (tabs, sortable tables) came from the network, except the status icons, which are
    turned into the words "passed"/"failed". Idempotent.
    """
    if _OFFLINE_MARK in page:
        return page
    page = _REMOTE_SCRIPT.sub("", page)
    page = _INLINE_SCRIPT.sub("", page)
    page = _REMOTE_LINK.sub("", page)
    page = _REMOTE_IMG.sub("", page)
    page = _REMOTE_CSS_URL.sub("none", page)  # GX inlines its stylesheet, with a remote logo
    page = _NEWSLETTER_FOOTER.sub("", page)
    for icon, replacement in _STATUS_ICONS:
        page = icon.sub(replacement, page)
    head_end = re.search(r"</head\s*>", page, re.I)
    style = f"{_OFFLINE_MARK}\n<style>{_OFFLINE_CSS}</style>\n"
    if head_end is None:
        return style + page
    return page[: head_end.start()] + style + page[head_end.start() :]


def _write_offline_index(
    docs_dir: Path, runs: list[_SuiteRun], links: dict[str, dict], run_label: str | None
) -> None:
    """A static index.html: one section per suite with its status and expectations."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    title = f"Validation results{f' — {run_label}' if run_label else ''}"
    sections = "\n".join(_index_section(run, links.get(run.name, {})) for run in runs)
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>{_OFFLINE_MARK}<style>{_OFFLINE_CSS}</style></head>\n"
        f"<body><h1>{html.escape(title)}</h1>\n{_summary_table(runs, links)}\n{sections}\n"
        f"{_history_list(docs_dir)}\n</body></html>\n"
    )
    (docs_dir / "index.html").write_text(page, encoding="utf-8")


def _status(run: _SuiteRun) -> str:
    if run.result is None:
        return "not validated (no rows)"
    return "passed" if run.result.success and not run.notes_by_row else "failed"


def _summary_table(runs: list[_SuiteRun], links: dict[str, dict]) -> str:
    rows = []
    for run in runs:
        status = _status(run)
        page = links.get(run.name, {}).get("validation")
        link = f'<a href="{html.escape(page)}">GX validation page</a>' if page else ""
        rows.append(
            f'<tr><td><a href="#suite-{html.escape(run.name)}">{html.escape(run.name)}</a></td>'
            f'<td class="{status.split()[0]}">{status}</td><td>{len(run.frame)}</td>'
            f"<td>{len(run.notes_by_row)}</td><td>{link}</td></tr>"
        )
    return (
        "<table><tr><th>Expectation suite</th><th>Status</th><th>Rows checked</th>"
        "<th>Rows failed</th><th>Details</th></tr>" + "".join(rows) + "</table>"
    )


def _index_section(run: _SuiteRun, links: dict) -> str:
    """Suite notes, each expectation with its status and notes, and the first failing rows."""
    name = html.escape(run.name)
    parts = [f'<section class="gx-section" id="suite-{name}"><h2>Expectation suite: {name}</h2>']
    parts.append(f'<p>Status: <span class="{_status(run).split()[0]}">{_status(run)}</span></p>')
    if run.definition.get("notes"):
        parts.append(f"<p>{html.escape(str(run.definition['notes']))}</p>")
    if links.get("suite"):
        parts.append(f'<p><a href="{html.escape(links["suite"])}">GX expectation suite page</a></p>')
    parts.append(_expectations_table(run))
    parts.append(_failing_rows_table(run))
    parts.append("</section>")
    return "\n".join(parts)


def _expectations_table(run: _SuiteRun) -> str:
    rows = []
    for spec in run.definition["expectations"]:
        found = _result_for(run, spec)
        status = "not run" if found is None else ("passed" if found.success else "failed")
        unexpected = "" if found is None else found.result.get("unexpected_count", "")
        rows.append(
            f"<tr><td><code>{html.escape(spec['type'])}</code> {html.escape(_domain_text(spec['kwargs']))}</td>"
            f'<td class="{status.split()[0]}">{status}</td><td>{unexpected}</td>'
            f"<td>{html.escape(str((spec.get('meta') or {}).get('notes', '')))}</td></tr>"
        )
    return (
        "<table><tr><th>Expectation</th><th>Status</th><th>Unexpected rows</th><th>What it checks</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _result_for(run: _SuiteRun, spec: dict):
    """The GX result of one suite-file expectation, matched by type and kwargs (not order)."""
    if run.result is None:
        return None
    for found in run.result.results:
        config = found.expectation_config
        kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
        if config.type == spec["type"] and all(kwargs.get(k) == v for k, v in spec["kwargs"].items()):
            return found
    return None


def _failing_rows_table(run: _SuiteRun, limit: int = 200) -> str:
    """The failing rows with their non-value columns (the group keys) and notes."""
    if not run.notes_by_row:
        return ""
    keys = [c for c in run.frame.columns if c not in _checked_columns(run.definition)]
    header = "".join(f"<th>{html.escape(str(c))}</th>" for c in keys) + "<th>failure_note</th>"
    rows = []
    for position, notes in list(run.notes_by_row.items())[:limit]:
        cells = "".join(f"<td>{html.escape(str(run.frame.at[position, c]))}</td>" for c in keys)
        rows.append(f"<tr>{cells}<td>{html.escape('; '.join(notes))}</td></tr>")
    more = len(run.notes_by_row) - limit
    tail = f"<p>… and {more} more failing rows.</p>" if more > 0 else ""
    return f"<h3>Failing rows</h3><table><tr>{header}</tr>{''.join(rows)}</table>{tail}"


def _history_list(docs_dir: Path) -> str:
    """Every validation page in docs_dir, newest first, including earlier calls'."""
    pages = sorted((docs_dir / "validations").rglob("*.html"), key=lambda p: p.parts[-2:], reverse=True)
    if not pages:
        return ""
    items = "".join(
        f'<li><a href="{html.escape(p.relative_to(docs_dir).as_posix())}">'
        f"{html.escape(' / '.join(p.relative_to(docs_dir / 'validations').parts))}</a></li>"
        for p in pages
    )
    return f"<h2>All validation pages in this folder</h2><ul>{items}</ul>"
