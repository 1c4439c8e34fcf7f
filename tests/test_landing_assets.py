"""Pure functions of the landing asset and sensor: the personal-data scan and change detection."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.landing.assets import personal_data_found
from orchestration.defs.landing.sensors import changed_exports, export_state
from tendensen.warehouse import literal

KEY = "ab" * 32  # a sha256-shaped respondent key


def write_landed(folder: Path, stem: str, respondent_key: str, redacted_value: str) -> None:
    for kind in ("respondents", "quarantine"):
        (folder / kind).mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute(
            f"copy (select ?::varchar as respondent_key, 'nl' as language) "
            f"to {literal(str(folder / 'respondents' / (stem + '.parquet')))} (format parquet)",
            [respondent_key],
        )
        con.execute(
            f"copy (select 1 as row_number, ?::varchar as redacted_value) "
            f"to {literal(str(folder / 'quarantine' / (stem + '.parquet')))} (format parquet)",
            [redacted_value],
        )


PLANTED = {
    "e-mail address": "mail me: jan.peeters@example.invalid",
    "IPv4 address": "from 192.0.2.7",
    "IPv6 address": "2001:db8:85a3::8a2e:370:7334",
    "IBAN": "BE71 0961 2345 6769",
    "phone number": "bel +32 470 12 34 56",
}


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_personal_data_is_found_and_reported_without_the_value(tmp_path, kind):
    write_landed(tmp_path, "2021__business", KEY, "(redacted: text of 8 character(s))")
    write_landed(tmp_path, "2021__aanbieders", KEY, PLANTED[kind])
    found = personal_data_found(tmp_path)
    assert (
        f"quarantine/2021__aanbieders.parquet, column redacted_value: 1 value(s) "
        f"that look like {'an' if kind[0] in 'eI' else 'a'} {kind}" in found
    )
    assert all(item.startswith("quarantine/2021__aanbieders.parquet") for item in found)
    secrets = [part for part in PLANTED[kind].split() if any(c.isdigit() or c == "@" for c in part)]
    assert secrets and not any(secret in item for item in found for secret in secrets)


@pytest.mark.parametrize("national", ["0470 12 34 56", "02/123.45.67", "0612345678"])
def test_national_phone_numbers_are_found(tmp_path, national):
    write_landed(tmp_path, "2021__business", KEY, national)
    assert len(personal_data_found(tmp_path)) == 1


def test_shapes_labels_and_hashes_are_not_personal_data(tmp_path):
    write_landed(tmp_path, "2021__business", KEY, "(redacted: a number of 11 digit(s))")
    write_landed(tmp_path, "2021__aanbieders", KEY, "Tussen 100 en 499 medewerkers")
    assert personal_data_found(tmp_path) == []


def test_a_clear_text_key_is_found_without_its_value(tmp_path):
    write_landed(tmp_path, "2021__business", "Jan Tester", "x")
    assert personal_data_found(tmp_path) == [
        "respondents/2021__business.parquet, column respondent_key: 1 value(s) that are not a sha256 hash"
    ]


def test_the_exports_own_names_are_found(tmp_path):
    export = tmp_path / "landing" / "2021_business.csv"
    export.parent.mkdir()
    fixed = ",".join(
        [
            "Respondent ID",
            "Collector ID",
            "Start Date",
            "End Date",
            "IP Address",
            "Email Address",
            "First Name",
            "Last Name",
            "Custom Data 1",
        ]
    )
    export.write_text(
        f"{fixed},Vraag\n,,,,,,,,,Response\n"
        "1,2,x,x,192.0.2.1,a@example.invalid,Marieke,Van den Broeck,,Ja\n"
        "3,4,x,x,192.0.2.2,b@example.invalid,Synthetic,Respondent 7,,Ja\n",
        encoding="utf-8",
    )
    landed = tmp_path / "landed"
    write_landed(landed, "2021__business", KEY, "groeten van marieke van den broeck")
    write_landed(landed, "2021__aanbieders", KEY, "2021_business_synthetic.csv")  # a first name alone
    (landed / "landing_log.csv").write_text("landed_at,message\nx,Respondent 7 said hi\n")
    assert personal_data_found(landed, [export]) == [
        "quarantine/2021__business.parquet, column redacted_value: 1 value(s) holding a name of "
        "the exports' First Name / Last Name columns",
        "landing_log.csv, line 2: 1 value(s) holding a name of the exports' First Name / Last Name columns",
    ]


def test_the_landing_log_is_scanned(tmp_path):
    write_landed(tmp_path, "2021__business", KEY, "x")
    (tmp_path / "landing_log.csv").write_text("landed_at,message\nx,oops jan@example.invalid\n")
    assert personal_data_found(tmp_path) == ["landing_log.csv, line 2: looks like it holds an e-mail address"]


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

    from orchestration.defs.landing.sensors import landing_sensor

    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    export = tmp_path / "landing" / "2021_business.csv"
    export.parent.mkdir()
    export.write_text("the export's bytes")
    (tmp_path / "landed" / "respondents").mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(
            f"copy (select ? as export_id, ? as respondent_key) to "
            f"'{tmp_path / 'landed' / 'respondents' / '2021__business.parquet'}' (format parquet)",
            [hashlib.sha256(export.read_bytes()).hexdigest(), KEY],
        )
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

    from orchestration.defs.landing.sensors import landing_sensor
    from tendensen.writer_lock import hold_writer_lock

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
