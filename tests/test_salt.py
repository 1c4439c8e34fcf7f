"""The respondent salt: outside data/, created once with a message, and never silently replaced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import duckdb
import pytest

from tendensen.landing.generate import generate_export
from tendensen.landing.land import land_file
from tendensen.landing.salt import SaltProblem, respondent_salt, salt_fingerprint
from tendensen.settings import salt_path
from tendensen.warehouse import literal


def land_one(tmp_path: Path, salt: str) -> Path:
    export = generate_export(tmp_path / "landing" / "2021_business.csv", "2021", "business", 12, seed=1)
    land_file(export, tmp_path / "landed", salt=salt)
    return export


def test_the_salt_lives_outside_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("TENDENSEN_SALT_FILE")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "data" / "warehouse.duckdb"))
    assert salt_path() == tmp_path / "config" / "tendensen" / "respondent_salt"
    monkeypatch.setenv("TENDENSEN_SALT_FILE", str(tmp_path / "keys" / "salt"))
    assert salt_path() == tmp_path / "keys" / "salt"


def test_the_first_run_creates_it_and_says_so(tmp_path):
    said = []
    salt = respondent_salt(tmp_path / "keys" / "salt", tmp_path / "landed", say=said.append)
    path = tmp_path / "keys" / "salt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    (message,) = said
    assert f"Created the respondent salt {path}" in message and "Back it up" in message
    assert salt not in message and salt_fingerprint(salt) in message
    said.clear()
    assert respondent_salt(path, tmp_path / "landed", say=said.append) == salt and said == []


def test_landed_files_record_the_salt_they_were_keyed_with(tmp_path):
    salt = respondent_salt(tmp_path / "salt", tmp_path / "landed", say=lambda _: None)
    export = land_one(tmp_path, salt)
    with duckdb.connect() as con:
        ids = con.execute(
            "select distinct landing_id from read_parquet(?)",
            [
                [
                    str(tmp_path / "landed" / kind / "2021__business.parquet")
                    for kind in ("answers", "respondents")
                ]
            ],
        ).fetchall()
    export_id = land_file(export, tmp_path / "landed", salt=salt).export_id
    assert ids == [(f"{export_id}:{salt_fingerprint(salt)}",)]


def test_a_lost_salt_is_detected_not_silently_replaced(tmp_path):
    path = tmp_path / "keys" / "salt"
    salt = respondent_salt(path, tmp_path / "landed", say=lambda _: None)
    land_one(tmp_path, salt)
    path.unlink()
    with pytest.raises(SaltProblem) as missing:
        respondent_salt(path, tmp_path / "landed", say=lambda _: None)
    assert not path.exists()  # no new salt was made
    message = str(missing.value)
    assert f"The respondent salt {path} does not exist" in message
    assert f"fingerprint {salt_fingerprint(salt)}: 2021__business.parquet" in message
    assert "Restore that salt file" in message and "TENDENSEN_SALT_FILE" in message
    assert f"delete {tmp_path / 'landed'} and run again" in message


def test_a_different_salt_is_refused_with_advice(tmp_path):
    salt = respondent_salt(tmp_path / "salt", tmp_path / "landed", say=lambda _: None)
    land_one(tmp_path, salt)
    other = tmp_path / "other_salt"
    other.write_text("f" * 64)
    with pytest.raises(SaltProblem, match=f"fingerprint {salt_fingerprint('f' * 64)}.* is not the salt"):
        respondent_salt(other, tmp_path / "landed", say=lambda _: None)


def test_the_salt_of_earlier_versions_moves_out_of_data(tmp_path):
    legacy = tmp_path / "data" / ".respondent_salt"
    legacy.parent.mkdir()
    legacy.write_text("a" * 64 + "\n")
    os.chmod(legacy, 0o600)
    said = []
    path = tmp_path / "config" / "salt"
    assert respondent_salt(path, tmp_path / "data" / "landed", legacy, say=said.append) == "a" * 64
    assert not legacy.exists() and path.read_text().strip() == "a" * 64
    assert said == [
        f"Moved the respondent salt from {legacy} to {path} (outside the data folder, so "
        "that copies of data/ do not carry it and `make clean` keeps it)."
    ]


def test_files_landed_before_landing_id_existed_are_landed_again_once(tmp_path):
    salt = "b" * 64
    export = land_one(tmp_path, salt)
    respondents = tmp_path / "landed" / "respondents" / "2021__business.parquet"
    with duckdb.connect() as con:  # as an earlier version wrote it
        con.execute(
            "copy (select * exclude (landing_id) from read_parquet(?)) to "
            f"{literal(str(tmp_path / 'old.parquet'))}",
            [str(respondents)],
        )
    os.replace(tmp_path / "old.parquet", respondents)
    assert land_file(export, tmp_path / "landed", salt=salt).action == "replaced"
    assert land_file(export, tmp_path / "landed", salt=salt).action == "unchanged"
