"""The personal-data scan stays within the landing's memory (tendensen/landing/personal_data.py)."""

from __future__ import annotations

import duckdb

from tendensen.landing import land_file, personal_data
from tendensen.landing.generate import generate_demo_export


def test_every_connection_of_the_scan_is_bounded(tmp_path, monkeypatch):
    """Unbounded, DuckDB cached a whole 1 GB export while reading its name columns: the
    scan took the landing process to 1.5 GB (bench/NOTES.md). Every connection it opens,
    for the landed files and for the exports' names, has the scan's memory limit and one thread."""
    export = generate_demo_export(tmp_path / "landing" / "2021_business.csv", "business", 40, seed=3)
    landed = tmp_path / "landed"
    assert land_file(export, landed, salt="s" * 32).action == "landed"
    opened: list[dict] = []
    connect = duckdb.connect

    def spy(*args, config=None, **kwargs):
        opened.append(dict(config or {}))
        return connect(*args, config=config or {}, **kwargs)

    monkeypatch.setattr(personal_data.duckdb, "connect", spy)
    assert personal_data.personal_data_found(landed, [export]) == []
    assert len(opened) >= 2, "the landed files and the export's names are each read"
    assert all(config == personal_data.SCAN_SETTINGS for config in opened), opened
    with personal_data.scan_connection() as con:
        limit, threads = con.execute(
            "select current_setting('memory_limit'), current_setting('threads')"
        ).fetchone()
    assert (limit, threads) == ("244.1 MiB", 1)
