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


def test_the_sensor_does_not_rerun_exports_landed_outside_it(tmp_path, monkeypatch):
    """`make run` lands exports without moving the sensor's cursor: the sensor's first look
    (empty cursor) must recognise them by content and start nothing; a new one still starts
    a run, and so does a landed export changed since."""
    import hashlib

    import dagster as dg

    from orchestration.sensors import landing_sensor

    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    export = tmp_path / "landing" / "2021_business.csv"
    export.parent.mkdir()
    export.write_text("the export's bytes")
    (tmp_path / "landed" / "respondents").mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(f"copy (select ? as export_id, ? as respondent_key) to "
                    f"'{tmp_path / 'landed' / 'respondents' / '2021__business.parquet'}' (format parquet)",
                    [hashlib.sha256(export.read_bytes()).hexdigest(), KEY])
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance)
        first = landing_sensor(context)
        assert isinstance(first, dg.SkipReason)
        assert "2021_business.csv: landed already" in first.skip_message
        (tmp_path / "landing" / "2025_business.csv").write_text("new")
        export.write_text("the export's bytes, corrected")
        second = landing_sensor(dg.build_sensor_context(instance=instance, cursor=context.cursor))
        assert isinstance(second, dg.RunRequest)
        assert second.tags["tendensen/exports"] == "2021_business.csv, 2025_business.csv"


def test_the_sensor_waits_while_a_build_writes(tmp_path, monkeypatch):
    import dagster as dg

    from orchestration.sensors import landing_sensor
    from orchestration.writer_lock import hold_writer_lock

    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    (tmp_path / "landing").mkdir()
    (tmp_path / "landing" / "2025_business.csv").write_text("a")
    with dg.instance_for_test() as instance:
        with hold_writer_lock("a build"):
            # the lock is this process's: current_holder sees it through a new open file
            busy = landing_sensor(dg.build_sensor_context(instance=instance))
        assert isinstance(busy, dg.SkipReason)
        assert "being written by a build (pid" in busy.skip_message
        after = landing_sensor(dg.build_sensor_context(instance=instance))
        assert isinstance(after, dg.RunRequest)  # the export was not forgotten meanwhile
