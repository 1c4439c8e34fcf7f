"""Shared fixtures: one real build of the warehouse per test session, and the marker scheme.

The `build_warehouse` job runs in-process (not mocked) against a temporary DuckDB file,
so every test that reads the marts reads what the pipeline really produced.

Which fixture for what (each build costs tens of seconds: reuse, never rebuild for reading):
- `built_warehouse` (session): the whole pipeline run once; read its marts, serving copy,
  landed files and run result. Never write to it: every module shares it.
- `warehouse_copy` (per test): a private copy of that built data folder (warehouse, landed
  files, serving copy) as a `Build`, to change and run a job or a check on
  (`WAREHOUSE_PATH` is yours to set); costs a file copy, not a build.
- `dbt_project_copy` (per test): the dbt project and the built data folder copied, to edit a
  model or seed and run `run_dbt(root, "build", ...)` on the copy.
- none of these for pure functions (landing, generator, rules, report pieces): synthetic
  exports of a few hundred rows in `tmp_path`; those tests form the fast loop.

Markers: a test is `pipeline` if it runs dbt, Dagster or the pipeline. Users of the fixtures
above are marked automatically (PIPELINE_FIXTURES); a module whose tests start them some
other way is listed in PIPELINE_MODULES. `make test-fast` (pytest -m "not pipeline") runs the
rest, never imports the modules of PIPELINE_MODULES, and fails a test that loads dagster or
dbt or starts dbt, Dagster or `make run` (docs/testing.md).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# The respondent salt lives in the home folder by default (tendensen.settings.salt_path):
# tests never touch it; every pipeline of the session (and its subprocesses) uses this one.
os.environ["TENDENSEN_SALT_FILE"] = str(
    Path(tempfile.mkdtemp(prefix="tendensen-test-salt-")) / "respondent_salt"
)


# Fixtures that build or copy a warehouse: a test using one (directly or through another
# fixture) runs the pipeline, dbt or Dagster, and is marked `pipeline` automatically.
PIPELINE_FIXTURES = {"built_warehouse", "warehouse_copy", "dbt_project_copy"}
# Modules whose tests run dbt, Dagster, `make` or the pipeline without those fixtures.
PIPELINE_MODULES = {
    "test_adding_an_edition",
    "test_dagster_ui",
    "test_dbt_project_state",
    "test_dbt_resource",
    "test_dbt_unit_tests",
    "test_faults",
    "test_incremental",
    "test_incremental_by_export",
    "test_landing_assets",
    "test_landing_integrity",
    "test_only_rows_this_run_loaded",
    "test_privacy_pipeline",
    "test_serving",
    "test_share_checks_pipeline",
    "test_writer_lock",
}


def fast_loop(config) -> bool:
    """`pytest -m "not pipeline"` (make test-fast): the pure functions only."""
    return "not pipeline" in (config.getoption("markexpr") or "")


# What the fast loop never loads or starts. Importing dagster and dagster-dbt alone takes
# seconds, and a test that needs them (or runs dbt, Dagster or `make run` as a process)
# belongs to the pipeline tests: in the fast loop it fails, naming what it loaded, instead of
# running slowly or being skipped without a word.
PIPELINE_PACKAGES = ("dagster", "dagster_dbt", "dbt")
PIPELINE_COMMANDS = ("dbt", "tendensen-dbt", "dagster", "dg")
MARK_IT = (
    "mark it as a pipeline test: use a fixture of PIPELINE_FIXTURES or add its module to "
    "PIPELINE_MODULES (tests/conftest.py), or import the package inside the pipeline tests only"
)


def pipeline_packages_loaded() -> set[str]:
    return {name for name in PIPELINE_PACKAGES if name in sys.modules}


def pytest_ignore_collect(collection_path, config):
    """The fast loop does not even import the modules whose every test is a pipeline test
    (their imports alone, dagster's above all, cost seconds)."""
    if fast_loop(config) and collection_path.suffix == ".py" and collection_path.stem in PIPELINE_MODULES:
        return True
    return None


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """Fast loop: a test module importing dagster or dbt at its top is an error, named."""
    before = pipeline_packages_loaded()
    report = yield
    loaded = pipeline_packages_loaded() - before
    if fast_loop(collector.config) and isinstance(collector, pytest.Module) and loaded:
        report.outcome = "failed"
        report.longrepr = (
            f"{collector.path.name} imports {', '.join(sorted(loaded))} at its top, which the fast "
            f"loop (pytest -m 'not pipeline') never loads: {MARK_IT}."
        )
    return report


def refuse_in_fast_loop(item, loaded: set[str]) -> None:
    if loaded:
        raise pytest.fail.Exception(
            f"{item.nodeid} loaded {', '.join(sorted(loaded))} in the fast loop: {MARK_IT}.", pytrace=False
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    before = pipeline_packages_loaded()
    result = yield
    if fast_loop(item.config):
        refuse_in_fast_loop(item, pipeline_packages_loaded() - before)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    before = pipeline_packages_loaded()
    result = yield
    if fast_loop(item.config):
        refuse_in_fast_loop(item, pipeline_packages_loaded() - before)
    return result


class PipelineCommandInFastLoop(AssertionError):
    pass


def refuse_pipeline_commands() -> None:
    """Fast loop: starting dbt, Dagster or `python -m orchestration.run` as a process fails."""
    original = subprocess.Popen.__init__

    def checked(self, args, *rest, **options):
        # a program's path may hold spaces ("/a dir/.venv/bin/dbt"): only a shell command line is split
        if isinstance(args, (str, os.PathLike)):
            words = (shlex.split(os.fspath(args)) if options.get("shell") else [os.fspath(args)]) or [""]
        else:
            words = [str(a) for a in args]
        if Path(words[0]).name in PIPELINE_COMMANDS or "orchestration.run" in words:
            raise PipelineCommandInFastLoop(f"{' '.join(words)!r} started in the fast loop: {MARK_IT}.")
        original(self, args, *rest, **options)

    subprocess.Popen.__init__ = checked


def pytest_collection_modifyitems(config, items):
    for item in items:
        if (
            PIPELINE_FIXTURES & set(getattr(item, "fixturenames", ()))
            or item.module.__name__.rsplit(".", 1)[-1] in PIPELINE_MODULES
        ):
            item.add_marker(pytest.mark.pipeline)


def dbt_manifest_is_current(root: Path) -> bool:
    """target/manifest.json is newer than every file and folder of the dbt project (a deleted
    model changes its folder's time) and than the installed packages (`make install`'s stamp,
    or the interpreter's folder). As make decides for `make run`'s `dbt parse`."""
    from tendensen.dbt.project_state import DBT_PROJECT_FILES

    manifest = root / "target" / "manifest.json"
    if not manifest.exists():
        return False
    inputs = [Path(sys.prefix) / ".installed", Path(sys.prefix)]
    for name in DBT_PROJECT_FILES:
        inputs += [root / name, *(root / name).rglob("*")]
    newest = max(path.stat().st_mtime for path in inputs if path.exists())
    return manifest.stat().st_mtime > newest


def pytest_sessionstart(session):
    """Parse the dbt project first: dagster-dbt reads target/manifest.json at import, and a
    manifest older than the seeds or models fails the build with a KeyError. Skipped when the
    manifest is newer than the project (a few seconds per session); the fast loop runs no dbt
    and never parses."""
    from tendensen.settings import REPO_ROOT

    if fast_loop(session.config):
        refuse_pipeline_commands()
        return
    if hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the controller parsed before it started the workers
    if dbt_manifest_is_current(REPO_ROOT):
        return

    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run(
        [str(dbt), "parse", "--quiet", "--project-dir", str(REPO_ROOT), "--profiles-dir", str(REPO_ROOT)],
        check=True,
        cwd=REPO_ROOT,
    )


@dataclass
class Build:
    path: Path
    result: object  # dagster ExecuteInProcessResult

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        from tendensen.warehouse import connect

        with connect(self.path) as con:
            return con.execute(sql, params or []).fetchall()

    def scalar(self, sql: str, params: list | None = None):
        (row,) = self.rows(sql, params)
        return row[0]


# The source documents whose numbers the tests pin (the 2021 report and the 2025 commentary).
# A later edition goes in as seed rows of a new document (issue 14): its rows need only pass
# the general rules, so a test that pins counts or rows scopes them to these documents, or to
# the editions they cover (`edition_id in ({PINNED_EDITIONS})`).
PINNED_DOCUMENTS = ("til_2021", "til_2025_commentary")
REPORT_2021 = "Tendensen in Leren 2021"  # source_report of til_2021
PINNED_EDITIONS = (
    f"select distinct edition_id from marts.fct_answer_shares where source_document_id in {PINNED_DOCUMENTS}"
)


def pinned_editions(build: Build) -> set[str]:
    return {edition for (edition,) in build.rows(PINNED_EDITIONS)}


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> Build:
    """The whole pipeline, run once on a temporary warehouse."""
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    patch = pytest.MonkeyPatch()
    patch.setenv("WAREHOUSE_PATH", str(path))
    from orchestration.definitions import defs

    result = defs.resolve_job_def("build_warehouse").execute_in_process(raise_on_error=False)
    yield Build(path=path, result=result)
    patch.undo()


def copy_dbt_project(folder: Path) -> Path:
    """The dbt project's files (tendensen.dbt.project_state.DBT_PROJECT_FILES) copied into `folder`."""
    from tendensen.dbt.project_state import DBT_PROJECT_FILES
    from tendensen.settings import REPO_ROOT

    for name in DBT_PROJECT_FILES:
        source, target = REPO_ROOT / name, folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, target)
    return folder


def copy_built_data(built: Build, folder: Path) -> Build:
    """The built data folder (warehouse, landed files, serving copy) copied to `folder`."""
    shutil.copytree(built.path.parent, folder)
    return Build(path=folder / built.path.name, result=built.result)


@pytest.fixture()
def warehouse_copy(built_warehouse, tmp_path) -> Build:
    """A private copy of the built data folder (`tmp_path/data`), to change and rebuild."""
    return copy_built_data(built_warehouse, tmp_path / "data")


@pytest.fixture()
def dbt_project_copy(built_warehouse, tmp_path) -> Path:
    """A copy of the dbt project (`project/`) and of the built data folder (`data/`), to
    edit and rebuild with `run_dbt`."""
    copy_dbt_project(tmp_path / "project")
    copy_built_data(built_warehouse, tmp_path / "data")
    return tmp_path


def run_dbt(root: Path, command: str, *select: str) -> subprocess.CompletedProcess:
    """`dbt <command> --select ...` on a `dbt_project_copy`, as by hand: no `--vars` (the landed
    files carry their landing_id; landed_dir defaults to landed/ beside WAREHOUSE_PATH)."""
    data = root / "data"
    env = {**os.environ, "WAREHOUSE_PATH": str(data / "warehouse.duckdb")}
    executable = Path(sys.executable).parent / "tendensen-dbt"
    return subprocess.run(
        [
            str(executable),
            command,
            "--select",
            *select,
            "--project-dir",
            str(root / "project"),
            "--profiles-dir",
            str(root / "project"),
            "--target-path",
            str(root / "target"),
            "--log-path",
            str(root / "logs"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
