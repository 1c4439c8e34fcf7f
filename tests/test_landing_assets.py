"""Pure functions of the landing asset and sensor: the personal-data scan and change detection."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from orchestration.landing_assets import personal_data_found
from orchestration.sensors import changed_exports, export_state

KEY = "ab" * 32  # a sha256-shaped respondent key


def write_landed(folder: Path, stem: str, respondent_key: str, raw_value: str) -> None:
    for kind in ("respondents", "quarantine"):
        (folder / kind).mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute(f"copy (select ? as respondent_key, 'nl' as language) "
                    f"to '{folder / 'respondents' / stem}.parquet' (format parquet)", [respondent_key])
        con.execute(f"copy (select 1 as row_number, ? as raw_value) "
                    f"to '{folder / 'quarantine' / stem}.parquet' (format parquet)", [raw_value])


def test_an_email_an_ip_or_a_clear_text_key_is_found(tmp_path):
    write_landed(tmp_path, "2021__business", KEY, "mail me: jan@example.invalid")
    write_landed(tmp_path, "2021__aanbieders", "Jan Tester", "192.0.2.7")
    found = personal_data_found(tmp_path)
    assert any("2021__business.parquet:raw_value" in item and "jan@example.invalid" in item for item in found)
    assert any("2021__aanbieders.parquet:raw_value" in item and "192.0.2.7" in item for item in found)
    assert any("not a hash: 'Jan Tester'" in item for item in found)


def test_the_scan_can_be_limited_to_the_files_one_run_wrote(tmp_path):
    write_landed(tmp_path, "2021__business", KEY, "jan@example.invalid")
    write_landed(tmp_path, "2025__business", KEY, "Onbekend antwoord")
    assert personal_data_found(tmp_path, stems={"2025__business"}) == []
    assert len(personal_data_found(tmp_path, stems={"2021__business"})) == 1
    assert personal_data_found(tmp_path, stems=set()) == []


def test_the_sensor_sees_new_and_changed_exports_only(tmp_path):
    first = tmp_path / "2021_business.csv"
    first.write_text("a")
    before = export_state(tmp_path)
    assert changed_exports({}, before) == ["2021_business.csv"]
    assert changed_exports(before, export_state(tmp_path)) == []
    (tmp_path / "2025_business.csv").write_text("b")
    stat = first.stat()
    os.utime(first, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert changed_exports(before, export_state(tmp_path)) == ["2021_business.csv", "2025_business.csv"]
