"""The collector tuning every process of the project gets (tendensen/gc_tuning.py)."""

from __future__ import annotations

import subprocess
import sys


def run_python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_importing_the_package_raises_the_young_generation_threshold():
    before = run_python("import gc; print(gc.get_threshold()[0])")
    after = run_python("import gc, orchestration; print(gc.get_threshold()[0])")
    assert int(before) == 700  # Python's default
    assert int(after) == 100_000


def test_duckdb_says_nothing_at_exit():
    """The collector still runs at exit: DuckDB frees its objects and reports no leak."""
    code = "import tendensen, duckdb; print(duckdb.connect().execute('select 42').fetchall())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[(42,)]"
    assert "leaked" not in done.stderr + done.stdout


def test_cyclic_garbage_is_still_collected():
    code = (
        "import gc, weakref, orchestration\n"
        "class Node: pass\n"
        "a = Node(); a.self = a; alive = weakref.ref(a); del a\n"
        # live objects enough to pass the threshold: the collector runs by itself
        "kept = [Node() for _ in range(250_000)]\n"
        "print(alive() is None)\n"
    )
    assert run_python(code).strip() == "True"
