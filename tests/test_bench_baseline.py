"""bench/baseline.py gives the pipeline's shares: the ratio in bench/RESULTS.md compares equals."""

from __future__ import annotations

from bench.baseline import differences, run_baseline


def test_baseline_shares_equal_the_pipelines(built_warehouse, tmp_path):
    exports = sorted((built_warehouse.path.parent / "landing").glob("*.csv"))
    assert exports
    out = tmp_path / "baseline.duckdb"
    assert run_baseline(out, exports) == built_warehouse.scalar(
        "select count(*) from marts.fct_answer_shares where source = 'responses'"
    )
    assert differences(built_warehouse.path, out) == []


def test_a_row_the_landing_quarantines_drops_out_of_the_baseline(tmp_path):
    """An unknown label quarantines its whole row (tendensen/landing/body.py): the baseline
    counts that export again without the row, so it leaves every base it was in."""
    import csv

    import duckdb

    from tendensen.landing.generate import generate_export

    clean = generate_export(
        tmp_path / "clean" / "2021_business_x.csv", "2021", "business", 40, seed=1, exact=True, skip_share=0
    )
    with clean.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[1].index("Response")  # the first single-choice question
    rows[5][column] = "not an option"
    broken = tmp_path / "broken" / "2021_business_x.csv"
    broken.parent.mkdir()
    with broken.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    bases = {}
    for name, export in (("clean", clean), ("broken", broken)):
        run_baseline(tmp_path / f"{name}.duckdb", [export])
        with duckdb.connect(str(tmp_path / f"{name}.duckdb"), read_only=True) as con:
            bases[name] = set(
                con.execute("select distinct question_id, item_id, n_base from shares").fetchall()
            )
    assert {n for *_, n in bases["clean"]} == {40}
    assert {n for *_, n in bases["broken"]} == {39}
