"""The synthetic exports: the 2021 demo reproduces the published shares once landed and
tabulated, carries only fake personal data that never reaches the landed files, and is
deterministic; exports of any size stream, land cleanly and follow their targets."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import duckdb
import pytest

from tendensen.landing import land_file
from tendensen.landing.codebook import CODEBOOK_DIR, PUBLISHED_DIR, default_codebook
from tendensen.landing.formats.surveymonkey import FIXED_COLUMNS, OPEN_ENDED
from tendensen.landing.generate import (
    DEMO_RESPONDENTS,
    assign_ticks,
    generate_2021_demo,
    generate_export,
    largest_remainders,
    main,
    multi_choice_counts,
    plan_questions,
    systematic_sample,
)
from tendensen.landing.probe import probe_file

SALT = "demo-salt"
BOOK = default_codebook()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo files, landed twice (the second time must change nothing)."""
    root = tmp_path_factory.mktemp("demo")
    paths = generate_2021_demo(root / "exports")
    first = [land_file(p, root / "landed", salt=SALT) for p in paths]
    second = [land_file(p, root / "landed", salt=SALT) for p in paths]
    return root, paths, first, second


def read_export(path: Path) -> tuple[list[str], list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        row1, row2, *rows = list(csv.reader(handle))
    return row1, row2, rows


SHARES_SQL = """
    with answers as (select * from read_parquet(?)),
    base as (
        select audience, question_id, item_id, count(distinct respondent_key) as n_base
        from answers group by all),
    chosen as (
        select audience, question_id, item_id, option_id, count(distinct respondent_key) as n
        from answers group by all),
    published as (
        select p.audience, p.question_id, nullif(p.item_id, '') as item_id, p.option_id,
               p.pct::double as published, p.is_partial = 'true' as is_partial,
               q.question_type, q.max_choices::integer as max_choices
        from read_csv(?, all_varchar = true) p
        join read_csv(?, all_varchar = true) o using (question_id, option_id)
        join read_csv(?, all_varchar = true) q using (question_id)
        where p.edition_id = '2021' and p.audience in ('business', 'aanbieders')
          and o.is_subtotal = 'false'
          and (p.is_partial = 'false' or p.question_id in ('work_country', 'sector')))
    select p.*, b.n_base, 100.0 * coalesce(c.n, 0) / b.n_base as computed
    from published p
    left join base b
      on b.audience = p.audience and b.question_id = p.question_id
     and b.item_id is not distinct from p.item_id
    left join chosen c
      on c.audience = p.audience and c.question_id = p.question_id
     and c.item_id is not distinct from p.item_id and c.option_id = p.option_id
"""


def demo_shares(root: Path) -> list[dict]:
    with duckdb.connect() as con:
        cursor = con.execute(
            SHARES_SQL,
            [
                str(root / "landed/answers/*.parquet"),
                str(PUBLISHED_DIR / "published_shares.csv"),
                str(CODEBOOK_DIR / "options.csv"),
                str(CODEBOOK_DIR / "questions.csv"),
            ],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def groups(shares: list[dict]) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = {}
    for share in shares:
        out.setdefault((share["audience"], share["question_id"], share["item_id"]), []).append(share)
    return out


def is_consistent(group: list[dict]) -> bool:
    """Can whole-number published shares of this group come from real counts (rounding)?"""
    total, k, first = sum(s["published"] for s in group), len(group), group[0]
    if first["question_id"] == "sector":  # partial in print, completed by "Andere sector"
        return total <= 100
    if first["question_type"] == "multi_choice":
        return total <= 100 * first["max_choices"] + k / 2
    return abs(total - 100) <= k / 2


def test_demo_has_the_published_respondent_counts_and_ten_percent_french(demo):
    root, paths, first, _ = demo
    assert [p.name for p in paths] == ["2021_business_synthetic.csv", "2021_aanbieders_synthetic.csv"]
    assert [(r.action, r.respondents, r.quarantined) for r in first] == [
        ("landed", 173, 0),
        ("landed", 142, 0),
    ]
    with duckdb.connect() as con:
        languages = dict(
            con.execute(
                "select language, count(*) from read_parquet(?) group by all",
                [str(root / "landed/respondents/*.parquet")],
            ).fetchall()
        )
        synthetic = con.execute(
            "select bool_and(is_synthetic) from read_parquet(?)", [str(root / "landed/answers/*.parquet")]
        ).fetchone()[0]
    assert languages == {"nl": 284, "fr": 31} and round(100 * 31 / 315) == 10
    assert synthetic is True
    for path in paths:
        manifest = json.loads(path.with_name(path.name + ".manifest.json").read_text())
        assert manifest["is_synthetic"] is True and manifest["edition_id"] == "2021"


def test_french_respondents_use_french_labels_throughout_their_row(demo):
    _, paths, _, _ = demo
    french_labels = {
        label
        for (kind, _, _, language), labels in BOOK.labels.items()
        if kind == "option" and language == "fr"
        for label in labels
    }
    dutch_labels = {
        label
        for (kind, _, _, language), labels in BOOK.labels.items()
        if kind == "option" and language == "nl"
        for label in labels
    }
    _, row2, rows = read_export(paths[0])
    answer_columns = [i for i, label in enumerate(row2) if label and label != OPEN_ENDED]
    for row in rows:
        cells = {row[i] for i in answer_columns if row[i]}
        only_fr, only_nl = cells - dutch_labels, cells - french_labels
        assert not (only_fr and only_nl), "a row mixes languages"


def test_demo_reproduces_every_consistent_published_share(demo):
    root = demo[0]
    shares = demo_shares(root)
    checked = 0
    for key, group in groups(shares).items():
        n = DEMO_RESPONDENTS[key[0]]
        # every published group is in the export, and everybody answered everything
        assert {s["n_base"] for s in group} == {n}, key
        if not is_consistent(group):
            continue
        tolerance = 0.5 + 50 / n  # publication rounding + half a respondent
        for share in group:
            assert abs(share["computed"] - share["published"]) <= tolerance, share
            checked += 1
    assert checked >= 250  # 2021 option rows of consistent groups, both audiences


def test_demo_gets_as_close_as_possible_where_the_published_numbers_are_inconsistent(demo):
    root = demo[0]
    inconsistent = {k: g for k, g in groups(demo_shares(root)).items() if not is_consistent(g)}
    assert sorted((k[0], k[1]) for k in inconsistent) == [
        ("aanbieders", "purchase_criteria"),
        ("business", "ld_agenda_18_24m"),
        ("business", "ld_tech_reasons"),
        ("business", "org_size_worldwide"),
        ("business", "purchase_criteria"),
    ]
    for (audience, _question_id, _), group in inconsistent.items():
        published = sum(s["published"] for s in group)
        computed = sum(s["computed"] for s in group)
        if group[0]["question_type"] == "multi_choice":
            assert computed == pytest.approx(100 * group[0]["max_choices"])  # never above
        else:
            assert computed == pytest.approx(100)
        excess = (published - computed) / len(group)  # spread evenly over the options
        for share in group:
            assert (
                abs(share["published"] - excess - share["computed"]) <= 0.5 + 100 / DEMO_RESPONDENTS[audience]
            )
    with duckdb.connect() as con:
        most = con.execute(
            """
            select max(ticks) from (
                select respondent_key, question_id, count(*) as ticks
                from read_parquet(?) join read_csv(?, all_varchar = true) using (question_id)
                where question_type = 'multi_choice' group by all)""",
            [str(root / "landed/answers/*.parquet"), str(CODEBOOK_DIR / "questions.csv")],
        ).fetchone()[0]
    assert most == 3


def test_subtotals_are_never_answers(demo):
    with duckdb.connect() as con:
        options = con.execute(
            "select distinct question_id, option_id from read_parquet(?)",
            [str(demo[0] / "landed/answers/*.parquet")],
        ).fetchall()
    assert not [o for o in options if o[1] in BOOK.subtotals.get(o[0], set())]


def test_no_generated_personal_data_or_free_text_reaches_the_landed_files(demo):
    root, paths, _, _ = demo
    secrets: set[str] = set()
    for path in paths:
        _, row2, rows = read_export(path)
        private = list(range(len(FIXED_COLUMNS))) + [i for i, label in enumerate(row2) if label == OPEN_ENDED]
        secrets |= {row[i] for row in rows for i in private if row[i]}
    assert any(s.endswith("@example.invalid") for s in secrets)
    assert any(s.startswith("198.51.100.") for s in secrets) and any(
        s.startswith("192.0.2.") for s in secrets
    )
    written_files = [p for p in (root / "landed").rglob("*") if p.is_file()]
    written = b"".join(p.read_bytes() for p in written_files)
    with duckdb.connect() as con:
        decoded = " ".join(
            con.execute(
                "select string_agg(concat_ws(' ', columns(*)), ' ') from read_parquet(?)", [str(p)]
            ).fetchone()[0]
            or ""
            for p in written_files
            if p.suffix == ".parquet"
        )
    leaks = [s for s in secrets if s.encode() in written or s in decoded]
    assert leaks == []


def test_landing_the_demo_twice_is_unchanged(demo):
    _, _, first, second = demo
    assert [r.action for r in second] == ["unchanged", "unchanged"]
    assert [(r.respondents, r.answers) for r in second] == [(r.respondents, r.answers) for r in first]


def test_demo_is_deterministic(tmp_path, demo):
    again = generate_2021_demo(tmp_path)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in demo[1]]
    other = generate_2021_demo(tmp_path / "other", seed=7)
    assert other[0].read_bytes() != again[0].read_bytes()


def test_demo_personal_data_is_obviously_synthetic(demo):
    row1, _, rows = read_export(demo[1][0])
    assert row1[: len(FIXED_COLUMNS)] == list(FIXED_COLUMNS)
    for number, row in enumerate(rows, 1):
        assert row[5] == f"respondent{number}@example.invalid"
        assert row[4].rsplit(".", 1)[0] in ("192.0.2", "198.51.100")
        assert f"{row[6]} {row[7]}" == f"Synthetic Respondent {number}"


# --------------------------------------------------------------------------- any size


def test_generated_export_of_any_size_lands_cleanly_and_follows_its_targets(tmp_path):
    path = generate_export(tmp_path / "2020-04_aanbieders_bench.csv", "2020-04", "aanbieders", 3000, seed=5)
    report = land_file(path, tmp_path / "landed", salt=SALT)
    assert (report.action, report.respondents, report.quarantined) == ("landed", 3000, 0)
    plan = {q.question_id: q for q in plan_questions("2020-04", "aanbieders")}
    with duckdb.connect() as con:
        french = con.execute(
            "select avg((language = 'fr')::int) from read_parquet(?)",
            [str(tmp_path / "landed/respondents/2020-04__aanbieders.parquet")],
        ).fetchone()[0]
        rows = con.execute(
            """
            with a as (select * from read_parquet(?) where item_id is null),
            base as (select question_id, count(distinct respondent_key) as n from a group by all)
            select question_id, option_id, 100.0 * count(distinct respondent_key) / any_value(n)
            from a join base using (question_id) group by all""",
            [str(tmp_path / "landed/answers/2020-04__aanbieders.parquet")],
        ).fetchall()
    assert 0.08 < french < 0.12
    for question_id, option_id, pct in rows:
        question = plan[question_id]
        target = question.targets[None][question.options.index(option_id)]
        if question.is_multi:  # capped at max_choices * 100 in total
            target *= min(1.0, 100 * question.max_choices / sum(question.targets[None]))
        assert abs(pct - target) < 4, (question_id, option_id, pct, target)


def test_a_french_header_export_lands(tmp_path):
    path = generate_export(
        tmp_path / "2021_business_fr.csv",
        "2021",
        "business",
        50,
        seed=1,
        questions=["sector", "ld_tech_reasons", "government_statements"],
        header_language="fr",
    )
    row1, _, _ = read_export(path)
    assert "Dans quel secteur travaillez-vous ?" in row1
    report = land_file(path, tmp_path / "landed", salt=SALT)
    assert (report.action, report.respondents, report.quarantined) == ("landed", 50, 0)


def test_cli_writes_demo_and_export(tmp_path, capsys):
    assert (
        main(
            [
                "export",
                "--edition",
                "2021",
                "--audience",
                "business",
                "--respondents",
                "20",
                "--seed",
                "1",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    (path,) = tmp_path.glob("*.csv")
    assert path.name == "2021_business_synthetic_n20_seed1.csv"
    assert len(read_export(path)[2]) == 20
    assert json.loads(Path(f"{path}.manifest.json").read_text())["is_synthetic"] is True
    # progress on stderr (tendensen/progress.py): a 1M export takes a minute
    err = capsys.readouterr().err
    assert "generating 2021_business_synthetic_n20_seed1.csv: 20 of 20 respondents (100%)" in err
    assert "done in" in err
    assert main(["demo", "--out", str(tmp_path / "demo")]) == 0
    assert len(list((tmp_path / "demo").glob("*.csv"))) == 2


# --------------------------------------------------------------------------- allocation


def test_largest_remainders_adds_up_and_stays_close():
    assert largest_remainders([24, 49, 17, 1, 9], 173, 173) == [41, 85, 29, 2, 16]
    counts = largest_remainders([3, 12, 9, 36, 10, 36], 173, 173)  # published sum 106
    assert sum(counts) == 173
    assert all(
        abs(100 * c / 173 - p) <= 6 / 6 + 100 / 173
        for c, p in zip(counts, [3, 12, 9, 36, 10, 36], strict=True)
    )


def test_multi_choice_counts_never_exceed_max_choices():
    pcts = [47, 45, 45, 44, 39, 34, 20, 17, 16, 12]  # sum 319 > 300
    counts = multi_choice_counts(pcts, 173, 3)
    assert sum(counts) == 3 * 173 and all(c <= 173 for c in counts)
    ticks = assign_ticks(counts, 173, random.Random(1))
    assert max(len(t) for t in ticks) == 3 and all(len(set(t)) == len(t) for t in ticks)
    assert [sum(option in t for t in ticks) for option in range(10)] == counts


def test_systematic_sample_respects_max_ticks_and_marginals():
    rng = random.Random(3)
    probabilities = [0.7, 0.5, 0.5, 0.4, 0.4, 0.3, 0.2]  # sum 3.0
    draws = [systematic_sample(probabilities, rng) for _ in range(20000)]
    assert max(len(d) for d in draws) == 3
    for option, p in enumerate(probabilities):
        assert abs(sum(option in d for d in draws) / len(draws) - p) < 0.015


def test_generated_exports_are_read_by_duckdb_as_they_are(tmp_path):
    """The benchmark path: a generated export (free text with quotes and line breaks) is plain
    RFC 4180 UTF-8, so its records are indexed in the pass that hashes it and DuckDB reads the
    file itself, not a copy written by the csv module."""
    path = generate_export(tmp_path / "2021_business_bench.csv", "2021", "business", 500, seed=2)
    probe = probe_file(path, path.name)
    assert probe.encoding == "utf-8" and probe.records is not None
    with path.open(encoding="utf-8", newline="") as handle:
        lines = []
        reader = csv.reader(handle)
        line = 1
        for _ in reader:
            lines.append(line)
            line = reader.line_num + 1
    assert probe.records.lines.tolist() == lines and len(lines) == 502
    assert lines[-1] > 502  # some free text spans two lines


@pytest.mark.parametrize("n", [37, 300])
def test_exact_export_reproduces_the_published_shares_at_small_n(tmp_path, n):
    """The bench's exports (`--exact`): largest-remainder counts of the published shares at any
    size, streamed, so even a small case passes computed_matches_published and publishes."""
    for seed, audience in enumerate(DEMO_RESPONDENTS, 1):
        path = generate_export(
            tmp_path / "exports" / f"2021_{audience}_bench.csv", "2021", audience, n, seed=seed, exact=True
        )
        report = land_file(path, tmp_path / "landed", salt=SALT)
        assert (report.action, report.respondents, report.quarantined) == ("landed", n, 0)
    answered = n - round(0.02 * n)  # the skipped answers: 2% of every question
    checked = 0
    for key, group in groups(demo_shares(tmp_path)).items():
        assert {s["n_base"] for s in group} == {answered}, key
        if not is_consistent(group):
            continue
        tolerance = 0.5 + 50 / answered  # publication rounding + half a respondent
        for share in group:
            assert abs(share["computed"] - share["published"]) <= tolerance, share
            checked += 1
    assert checked >= 250
