"""The personal-data scan stays within the landing's memory, and spills only where the
landing does (tendensen/landing/personal_data.py)."""

from __future__ import annotations

import duckdb

from tendensen.faults import LANDING_TEMP
from tendensen.landing import land_file, personal_data
from tendensen.landing.generate import generate_demo_export


def test_every_connection_of_the_scan_is_bounded_and_spills_in_a_private_landed_folder(tmp_path, monkeypatch):
    """Unbounded, DuckDB cached a whole 1 GB export while reading its name columns: the
    scan took the landing process to 1.5 GB (bench/NOTES.md). Every connection it opens,
    for the landed files and for the exports' names, has the scan's memory limit and one
    thread; what it spills (names among it) goes to a temporary folder of the landed files
    that a killed run's successor removes (faults.LANDING_TEMP), not to DuckDB's default
    `.tmp` in the working folder, and the folder is gone after the scan."""
    export = generate_demo_export(tmp_path / "landing" / "2021_business.csv", "business", 40, seed=3)
    landed = tmp_path / "landed"
    assert land_file(export, landed, salt="s" * 32).action == "landed"
    opened: list[dict] = []
    connect = duckdb.connect

    def spy(*args, config=None, **kwargs):
        opened.append(dict(config or {}))
        return connect(*args, config=config or {}, **kwargs)

    monkeypatch.setattr(personal_data.duckdb, "connect", spy)
    before = set(landed.iterdir())
    assert personal_data.personal_data_found(landed, [export]) == []
    assert len(opened) >= 2, "the landed files and the export's names are each read"
    for config in opened:
        spill = config.pop("temp_directory")
        assert config == personal_data.SCAN_SETTINGS
        assert spill.startswith(str(landed) + "/") and LANDING_TEMP.match(spill.rsplit("/", 1)[1])
    assert set(landed.iterdir()) == before, "the spill folders are removed"
    with personal_data.scan_connection(landed) as con:
        limit, threads = con.execute(
            "select current_setting('memory_limit'), current_setting('threads')"
        ).fetchone()
    assert (limit, threads) == ("244.1 MiB", 1)
