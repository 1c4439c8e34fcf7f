"""GX Data Docs of a validation run, made readable offline.

GX writes a Data Docs site (HTML) for the validation results; its pages load stylesheets,
scripts and images from CDNs and its index fills its tables with JavaScript. This module
strips the remote assets from every page GX writes (`make_html_offline`), and replaces the
index by a static one of the run's suites, their expectations and failing rows. The
stylesheet of the offline pages is package data: templates/data_docs.css.
"""

from __future__ import annotations

import html
import re
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from tendensen.validation.suite_files import checked_columns, domain_text

if TYPE_CHECKING:  # pragma: no cover - typing only, GX is imported lazily
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context import AbstractDataContext

    from tendensen.validation.gx_runner import SuiteRun

# GX names the data docs site; our post-processing only touches the pages it writes.
SITE_NAME = "offline_docs"
_DOCS_PAGE_DIRS = ("validations", "expectations")


@cache
def _offline_css() -> str:
    return (files("tendensen.validation") / "templates" / "data_docs.css").read_text(encoding="utf-8")


def docs_sites_config(docs_dir: Path | None) -> dict:
    """One filesystem docs site in docs_dir, or none (GX then writes no HTML at all)."""
    if docs_dir is None:
        return {}
    return {
        SITE_NAME: {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(Path(docs_dir).resolve()),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    }


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


def build_offline_docs(
    context: AbstractDataContext, docs_dir: Path, runs: list[SuiteRun], run_id: RunIdentifier
) -> None:
    """Build GX Data Docs into docs_dir, then make every page readable without a network.

    GX's index page fills its tables with JavaScript from CDNs, so it is replaced by a
    static index of this call's results linking to GX's (static) validation pages.
    """
    docs_dir.mkdir(parents=True, exist_ok=True)
    context.build_data_docs(site_names=[SITE_NAME])
    links = {run.name: _page_links(context, run, run_id, docs_dir) for run in runs if run.result}
    for page in _docs_pages(docs_dir):
        page.write_text(make_html_offline(page.read_text(encoding="utf-8")), encoding="utf-8")
    for stylesheet in (docs_dir / "static").rglob("*.css"):
        text = stylesheet.read_text(encoding="utf-8")
        stylesheet.write_text(_REMOTE_CSS_URL.sub("none", text), encoding="utf-8")
    write_offline_index(docs_dir, runs, links, run_label=run_id.run_name)


def _page_links(
    context: AbstractDataContext, run: SuiteRun, run_id: RunIdentifier, docs_dir: Path
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
        resource_identifier=identifier, site_name=SITE_NAME, only_if_exists=True
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
    style = f"{_OFFLINE_MARK}\n<style>{_offline_css()}</style>\n"
    if head_end is None:
        return style + page
    return page[: head_end.start()] + style + page[head_end.start() :]


def write_offline_index(
    docs_dir: Path, runs: list[SuiteRun], links: dict[str, dict], run_label: str | None
) -> None:
    """A static index.html: one section per suite with its status and expectations."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    title = f"Validation results{f' — {run_label}' if run_label else ''}"
    sections = "\n".join(_index_section(run, links.get(run.name, {})) for run in runs)
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>{_OFFLINE_MARK}<style>{_offline_css()}</style></head>\n"
        f"<body><h1>{html.escape(title)}</h1>\n{_summary_table(runs, links)}\n{sections}\n"
        f"{_history_list(docs_dir)}\n</body></html>\n"
    )
    (docs_dir / "index.html").write_text(page, encoding="utf-8")


def _status(run: SuiteRun) -> str:
    if run.result is None:
        return "not validated (no rows)"
    return "passed" if run.result.success and not run.notes_by_row else "failed"


def _summary_table(runs: list[SuiteRun], links: dict[str, dict]) -> str:
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


def _index_section(run: SuiteRun, links: dict) -> str:
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


def _expectations_table(run: SuiteRun) -> str:
    rows = []
    for spec in run.definition["expectations"]:
        found = _result_for(run, spec)
        status = "not run" if found is None else ("passed" if found.success else "failed")
        unexpected = "" if found is None else found.result.get("unexpected_count", "")
        rows.append(
            f"<tr><td><code>{html.escape(spec['type'])}</code> {html.escape(domain_text(spec['kwargs']))}</td>"
            f'<td class="{status.split()[0]}">{status}</td><td>{unexpected}</td>'
            f"<td>{html.escape(str((spec.get('meta') or {}).get('notes', '')))}</td></tr>"
        )
    return (
        "<table><tr><th>Expectation</th><th>Status</th><th>Unexpected rows</th><th>What it checks</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _result_for(run: SuiteRun, spec: dict):
    """The GX result of one suite-file expectation, matched by type and kwargs (not order)."""
    if run.result is None:
        return None
    for found in run.result.results:
        config = found.expectation_config
        kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
        if config.type == spec["type"] and all(kwargs.get(k) == v for k, v in spec["kwargs"].items()):
            return found
    return None


def _failing_rows_table(run: SuiteRun, limit: int = 200) -> str:
    """The failing rows with their non-value columns (the group keys) and notes."""
    if not run.notes_by_row:
        return ""
    keys = [c for c in run.frame.columns if c not in checked_columns(run.definition)]
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
