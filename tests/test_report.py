"""The static HTML report (`make report`): built from the real warehouse, then opened in Chromium.

First the HTML text: one chart element per question with published shares (bars of published
shares only, never of shares computed from respondent exports), and every failing group of the
latest validation run in a findings table beside the chart of its question, the acknowledged
reconciliation failures (computed_matches_published) folded into one line per question,
edition and audience with their count. Then
"as a person would": headless Chromium loads the file, its inline script must count the charts
without any JavaScript error, and a screenshot must show a real page.

Chromium is required, never skipped: install it with `scripts/ensure_chromium.sh`.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from conftest import pinned_editions
from tendensen.report import build_report
from tendensen.report.build import group_findings
from tendensen.report.data import Check
from tendensen.report.svg import fmt_number
from tendensen.settings import REPO_ROOT

CHROMIUM_TIMEOUT_S = 60
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class ReportParser(HTMLParser):
    """Chart elements, findings rows and value labels, each with the question section around it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[str | None] = []  # stack of <section data-question> values
        self.table: str | None = None  # data-findings-for of the open findings table
        self.charts: list[tuple[str, str | None]] = []  # (data-question-id, enclosing section)
        self.findings: list[dict] = []
        self.values: dict[str, list[str]] = {}  # question -> texts of the bar value labels
        self.meta_charset: str | None = None
        self._in_value = False

    @property
    def section(self) -> str | None:
        return next((s for s in reversed(self.sections) if s), None)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and "charset" in a:
            self.meta_charset = a["charset"]
        if tag == "section":
            self.sections.append(a.get("data-question"))
        if "data-question-id" in a:
            self.charts.append((a["data-question-id"], self.section))
        if tag == "table" and "data-findings-for" in a:
            self.table = a["data-findings-for"]
        if tag == "tr" and "finding" in (a.get("class") or "").split():
            self.findings.append(
                {
                    "section": self.section,
                    "table": self.table,
                    "rule": a.get("data-rule"),
                    "edition_id": a.get("data-edition") or None,
                    "audience": a.get("data-audience") or None,
                    "item_label": a.get("data-item") or None,
                    "acknowledged": a.get("data-acknowledged") == "true",
                    "count": int(a.get("data-count", "1")),
                }
            )
        if tag == "text" and (a.get("class") or "") == "value":
            self._in_value = True

    def handle_endtag(self, tag):
        if tag == "section" and self.sections:
            self.sections.pop()
        if tag == "table":
            self.table = None
        if tag == "text":
            self._in_value = False

    def handle_data(self, data):
        if self._in_value and self.section:
            self.values.setdefault(self.section, []).append(data)


@pytest.fixture(scope="module")
def report(built_warehouse, tmp_path_factory) -> Path:
    return build_report(built_warehouse.path, tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def page(report) -> ReportParser:
    parser = ReportParser()
    parser.feed(report.read_text(encoding="utf-8"))
    parser.close()
    return parser


@pytest.fixture(scope="module")
def published_questions(built_warehouse) -> dict[str, str]:
    return dict(
        built_warehouse.rows(
            "select question_id, any_value(question_text) from marts.answer_shares "
            "where source = 'published' group by question_id"
        )
    )


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "chromium is not on PATH: the report test needs a real browser. "
            "Run `scripts/ensure_chromium.sh` (as root: apt-get install chromium) and re-run.",
            pytrace=False,
        )
    return path


def run_chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    try:
        return subprocess.run(command, capture_output=True, timeout=CHROMIUM_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"chromium did not finish within {CHROMIUM_TIMEOUT_S} s: {' '.join(command)}", pytrace=False
        )


def test_report_is_one_self_contained_file(report):
    text = report.read_text(encoding="utf-8")
    assert report.name == "index.html"
    assert text.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in text
    # Offline: nothing is fetched, no script, stylesheet, image or font from elsewhere.
    assert not re.search(r"""<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=""", text, re.I)
    assert not re.search(
        r"""(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//|@import""", text, re.I
    )


def test_every_question_with_published_shares_has_exactly_one_chart(page, published_questions, report):
    counts = Counter(qid for qid, _ in page.charts)
    assert set(counts) == set(published_questions)
    assert {qid: n for qid, n in counts.items() if n != 1} == {}
    # Each chart sits in the section of its own question; its title is the Dutch question text.
    assert all(qid == section for qid, section in page.charts)
    text = report.read_text(encoding="utf-8")
    for question_text in published_questions.values():
        assert html.escape(question_text) in text


RECONCILIATION = "computed_matches_published"


def test_failing_groups_appear_beside_their_question(page, built_warehouse, published_questions):
    failing = built_warehouse.rows(
        "select question_id, rule, edition_id, audience, item_label, acknowledged "
        "from audit.latest_share_checks where not passed"
    )
    assert failing, "the warehouse has no failing check: this test would prove nothing"

    def where(qid):
        return qid if qid in published_questions else "_orphans"

    # One line per failed check, except acknowledged reconciliation failures: one line per
    # question, edition and audience, standing for all of them (data-count).
    expected_lines = Counter(
        (where(qid), rule, edition, audience, item, bool(ack))
        for qid, rule, edition, audience, item, ack in failing
        if not (rule == RECONCILIATION and ack)
    )
    folded = Counter(
        (where(qid), rule, edition, audience, True)
        for qid, rule, edition, audience, _, ack in failing
        if rule == RECONCILIATION and ack
    )
    assert folded, "no acknowledged reconciliation failure: the folding would be untested"
    expected_lines.update({(*key[:4], None, True): 1 for key in folded})
    shown = Counter(
        (
            f["section"] or f["table"],
            f["rule"],
            f["edition_id"],
            f["audience"],
            f["item_label"],
            f["acknowledged"],
        )
        for f in page.findings
    )
    assert shown == expected_lines
    # every failed check is accounted for: a folded line counts the checks it stands for
    counted = Counter()
    for f in page.findings:
        counted[
            (f["section"] or f["table"], f["rule"], f["edition_id"], f["audience"], f["acknowledged"])
        ] += f["count"]
    assert counted == Counter(
        (where(qid), rule, edition, audience, bool(ack)) for qid, rule, edition, audience, _, ack in failing
    )
    for f in page.findings:
        if f["rule"] == RECONCILIATION and f["acknowledged"]:
            assert (
                f["count"]
                == folded[(f["section"] or f["table"], f["rule"], f["edition_id"], f["audience"], True)]
            )
        else:
            assert f["count"] == 1
    # readable: the report's 7 anomalies plus one line per affected figure and audience (5),
    # instead of 50 lines (43 of them one computed option each)
    # (counted for the 2021 report's editions: a later edition adds its own)
    pinned = pinned_editions(built_warehouse)
    assert (
        len([check for check in failing if check[2] in pinned]),
        len([f for f in page.findings if f["edition_id"] in pinned]),
    ) == (50, 12)
    # Beside = in the findings table of the same question section as the chart.
    for f in page.findings:
        if f["section"] is not None:
            assert f["table"] == f["section"]


def _check(rule, question, audience, option, acknowledged, observed=45.1, published=47.0, item=None):
    export = "SurveyMonkey-export 2021 business (synthetisch) 5799e93f3583"
    return Check(
        rule=rule,
        edition_id="2021",
        audience=audience,
        question_id=question,
        item_label=item,
        source_report="Tendensen in Leren 2021",
        source_figure=12,
        observed=observed,
        lower_bound=published - 1,
        upper_bound=published + 1,
        passed=False,
        acknowledged=acknowledged,
        note=f'option "{option}" (published {published}, computed from {export}): observed ...'
        + (
            "; acknowledged by x on y: the published group is an acknowledged anomaly" if acknowledged else ""
        ),
        kind="reconciliation" if rule == RECONCILIATION else "published",
    )


def test_only_acknowledged_reconciliation_failures_are_folded():
    checks = [
        _check(RECONCILIATION, "q", "business", "A", True),
        _check(RECONCILIATION, "q", "business", "B", True),
        _check(RECONCILIATION, "q", "aanbieders", "A", True),
        _check(RECONCILIATION, "q", "business", "C", False),  # needs a look: its own line
        _check(RECONCILIATION, "q", "business", "D", False),
        _check("multi_choice_within_max", "q", "business", "", True),
    ]
    lines = group_findings(checks)
    assert [(f.first.audience, f.first.rule, f.acknowledged, f.grouped, f.count) for f in lines] == [
        ("business", RECONCILIATION, False, False, 1),
        ("business", RECONCILIATION, False, False, 1),
        ("business", "multi_choice_within_max", True, False, 1),  # the report's anomaly first
        ("aanbieders", RECONCILIATION, True, True, 1),
        ("business", RECONCILIATION, True, True, 2),
    ]


def test_bars_show_published_shares_only(page, built_warehouse, published_questions):
    """Computed shares (exact decimals such as 45,09) never become bars: every chart's value
    labels are exactly its published shares, and there are computed shares to keep out."""
    assert built_warehouse.scalar("select count(*) from marts.answer_shares where source = 'responses'") > 300
    rows = built_warehouse.rows(
        "select question_id, question_type, pct, is_partial from marts.answer_shares "
        "where source = 'published'"
    )
    expected: dict[str, Counter] = {}
    for qid, question_type, pct, is_partial in rows:
        label = fmt_number(pct) + ("" if question_type == "mean_score" else "%") + ("*" if is_partial else "")
        expected.setdefault(qid, Counter())[label] += 1
    shown = {qid: Counter(labels) for qid, labels in page.values.items()}
    assert shown == expected


def test_mean_scores_are_not_drawn_as_percentages(page, built_warehouse):
    mean_questions = [
        qid
        for (qid,) in built_warehouse.rows(
            "select distinct question_id from marts.answer_shares where question_type = 'mean_score'"
        )
    ]
    for qid in mean_questions:
        labels = page.values[qid]
        assert labels and not any("%" in label for label in labels), labels


def test_cli_prints_the_path_and_the_chart_count(built_warehouse, published_questions, tmp_path):
    out = tmp_path / "cli"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tendensen.report",
            "--out",
            str(out),
            "--warehouse",
            str(built_warehouse.path),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert str(out / "index.html") in done.stdout
    assert f"{len(published_questions)} charts" in done.stdout
    # Every connection of the build is closed: a writer may open the warehouse right after.
    con = duckdb.connect(str(built_warehouse.path), read_only=False)
    con.close()


def test_cli_reads_the_serving_copy_by_default(built_warehouse, published_questions, tmp_path):
    out = tmp_path / "default"
    env = {**os.environ, "WAREHOUSE_PATH": str(built_warehouse.path)}
    # the pipeline's own file is held by a writer: a report that opened it would fail
    with duckdb.connect(str(built_warehouse.path), read_only=False):
        done = subprocess.run(
            [sys.executable, "-m", "tendensen.report", "--out", str(out)],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{len(published_questions)} charts" in done.stdout


def test_cli_without_a_serving_copy_says_what_to_do(tmp_path):
    env = {**os.environ, "WAREHOUSE_PATH": str(tmp_path / "none" / "warehouse.duckdb")}
    done = subprocess.run(
        [sys.executable, "-m", "tendensen.report", "--out", str(tmp_path / "out")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert f"No warehouse to report on at {tmp_path / 'none' / 'serving' / 'tendensen.duckdb'}" in done.stderr
    assert "make run" in done.stderr and not (tmp_path / "out").exists()


def test_chromium_runs_the_page_without_errors(report, published_questions, tmp_path):
    done = run_chromium("--dump-dom", report.as_uri(), profile=tmp_path / "profile")
    dom = done.stdout.decode("utf-8", errors="replace")
    body = re.search(r"<body\b[^>]*>", dom)
    assert body, f"no <body> in chromium's DOM (exit {done.returncode}): {done.stderr.decode()[-2000:]}"
    assert f'data-charts="{len(published_questions)}"' in body.group(0)
    assert 'data-errors="0"' in body.group(0)


def test_chromium_screenshot_is_a_real_page(report, tmp_path):
    png = tmp_path / "report.png"
    done = run_chromium(
        f"--screenshot={png}",
        "--window-size=1280,4000",
        "--hide-scrollbars",
        report.as_uri(),
        profile=tmp_path / "profile",
    )
    assert png.exists(), f"no screenshot (exit {done.returncode}): {done.stderr.decode()[-2000:]}"
    data = png.read_bytes()
    assert data[:8] == PNG_MAGIC
    assert len(data) > 20_000, f"screenshot of only {len(data)} bytes: an empty page?"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 4000)
