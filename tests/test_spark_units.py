"""The Spark engine's pure parts, without Spark: the engine setting, the publish pointer and
the pruning of superseded versions, the audit rows' values as Spark takes them."""

from __future__ import annotations

import os
from datetime import datetime

import pandas as pd
import pytest

from tendensen.settings import engine
from tendensen.spark.publish import VERSION_MIN_AGE_S, remove_superseded_versions, swap_pointer
from tendensen.spark.share_checks import _plain


def test_engine_defaults_to_duckdb_and_names_the_choices_on_a_typo(monkeypatch):
    monkeypatch.delenv("TENDENSEN_ENGINE", raising=False)
    assert engine() == "duckdb"
    monkeypatch.setenv("TENDENSEN_ENGINE", "spark")
    assert engine() == "spark"
    monkeypatch.setenv("TENDENSEN_ENGINE", "sparkk")
    with pytest.raises(ValueError, match="TENDENSEN_ENGINE='sparkk': use one of duckdb, spark"):
        engine()


def make_versions(root, names):
    for name in names:
        (root / "versions" / name / "marts" / "answer_shares").mkdir(parents=True)
    return [root / "versions" / name for name in names]


def test_the_pointer_is_relative_and_replaced_whole(tmp_path):
    first, second = make_versions(tmp_path, ["20261130T000000Z-a", "20261130T010000Z-b"])
    swap_pointer(tmp_path, first)
    swap_pointer(tmp_path, second)
    assert os.readlink(tmp_path / "current") == os.path.join("versions", second.name)
    assert (tmp_path / "current").resolve() == second.resolve()
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".current")] == []


def test_superseded_versions_go_only_when_old_and_not_among_the_newest(tmp_path):
    names = [f"2026113{day}T000000Z-x" for day in range(7)]  # 7 versions, oldest first
    versions = make_versions(tmp_path, names)
    swap_pointer(tmp_path, versions[0])  # a reader may still be pointed at the oldest
    now = max(version.stat().st_mtime for version in versions)
    assert remove_superseded_versions(tmp_path, now=now) == []  # all younger than an hour
    removed = remove_superseded_versions(tmp_path, now=now + VERSION_MIN_AGE_S + 1)
    # the 4 newest stay, and the current one whatever its age
    assert sorted(path.name for path in removed) == names[1:3]
    assert sorted(path.name for path in (tmp_path / "versions").iterdir()) == [names[0], *names[3:]]


def test_audit_values_become_what_spark_columns_take():
    assert _plain(float("nan"), "integer") is None
    assert _plain(None, "string") is None
    assert _plain(7.0, "integer") == 7 and isinstance(_plain(7.0, "integer"), int)
    assert _plain(pd.Timestamp("2026-11-30 01:02:03"), "timestamp") == datetime(2026, 11, 30, 1, 2, 3)
    assert _plain(True, "boolean") is True
    assert _plain(5, "double") == 5.0
