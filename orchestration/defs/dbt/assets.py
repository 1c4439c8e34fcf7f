"""dbt seeds, models and tests as Dagster assets and asset checks."""

import json
import os
import shutil
import threading
import time
import uuid
from pathlib import Path

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.dbt.project import tendensen_project
from tendensen.dbt.project_state import (
    dbt_project_fingerprint,
    last_full_build_fingerprint,
    record_full_build,
)
from tendensen.files import replace_atomically
from tendensen.settings import (
    data_dir,
    dbt_parse_state_path,
    dbt_run_results_path,
    engine,
    landed_dir,
    salt_path,
    spark_dir,
    warehouse_path,
)


def salt_fingerprint() -> str:
    """A short, irreversible fingerprint of the respondent salt (none before any landing).

    Only for files landed before the landing wrote `landing_id` into them (the staging
    models fall back to it); dbt by hand needs no variable."""
    from tendensen.landing.salt import salt_fingerprint as fingerprint

    path = salt_path()
    if not path.exists():
        return "unsalted"
    return fingerprint(path.read_text(encoding="utf-8"))


FAILED_BUILDS_KEPT = 5
IN_USE_SECONDS = 3600


def prune_failed_build_folders(target: Path) -> None:
    """Keep the newest few dbt target folders of failed builds (~8 MB each, for diagnosis).

    A successful build removes its own; a failed one's stays, and test runs fail builds on
    purpose. Folders younger than an hour are never touched: a build of another warehouse
    (a test, a second `make run`) may be writing one right now.
    """

    def modified(folder: Path) -> float:
        try:
            return folder.stat().st_mtime
        except OSError:
            return time.time()  # vanished or unreadable: treat as in use

    folders = sorted(target.glob("build-*"), key=modified, reverse=True)
    for folder in folders[FAILED_BUILDS_KEPT:]:
        if time.time() - modified(folder) > IN_USE_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)


def build_target_path(context: AssetExecutionContext) -> Path:
    """A fresh dbt target folder for this build, holding this warehouse's parse state.

    dbt re-parses the whole project (seconds) unless `partial_parse.msgpack` was written with
    the same `--vars` and warehouse path. The project's `target/` has the state of whichever
    warehouse was built last (or of the Makefile's `dbt parse`, which has neither), so each
    warehouse keeps its own beside it (`dbt_parse_state_path`); dagster-dbt seeds the
    folder from `target/` only when it holds none.
    """
    target = tendensen_project.project_dir / tendensen_project.target_path
    prune_failed_build_folders(target)
    folder = target / f"build-{context.run.run_id[:8]}-{uuid.uuid4().hex[:6]}"
    folder.mkdir(parents=True)
    if dbt_parse_state_path().exists():
        shutil.copyfile(dbt_parse_state_path(), folder / "partial_parse.msgpack")
    return folder


def keep_partial_parse(invocation_target: Path) -> None:
    """Make this build's parse state the one the next build of this warehouse starts from."""
    produced = invocation_target / "partial_parse.msgpack"
    if not produced.exists():
        return
    replace_atomically(dbt_parse_state_path(), produced.read_bytes())


def warm_up_great_expectations() -> None:
    """Import GX in a background thread while dbt runs in its own process.

    Importing GX takes seconds of this process's time, which the checks after dbt would
    otherwise wait for; Python's import lock makes the checks' own import wait for this
    one rather than import twice.
    """

    def import_gx() -> None:
        import great_expectations  # noqa: F401

    threading.Thread(target=import_gx, name="gx-warm-up", daemon=True).start()


def refuse_partial_build_of_a_changed_project(fingerprint: str) -> None:
    """A partial build (add_landed_exports) on a project changed since the last full build
    would test new data against stale seeds and models: say what to run instead."""
    if last_full_build_fingerprint() != fingerprint:
        raise dg.Failure(
            description=(
                "The dbt project (models, macros, seeds) changed since this warehouse's last full "
                "build, or it was never fully built: a partial build would use stale seeds and "
                "models. Run the build_warehouse job (make run); the landing sensor does so itself."
            )
        )


def prepare_data_folder(context: AssetExecutionContext) -> None:
    """Before dbt opens the warehouse: refuse a damaged one with the command that rebuilds it,
    remove what killed runs left, and keep the data folder private (tendensen/faults.py)."""
    from tendensen.faults import close_folder, remove_leftovers, warehouse_damage

    damage = warehouse_damage(warehouse_path())
    if damage:
        raise dg.Failure(description=damage)
    close_folder(data_dir())
    removed = remove_leftovers(data_dir())
    if removed:
        context.log.info(f"Removed {len(removed)} leftover(s) of interrupted runs: {', '.join(removed)}")


class LayerGroups(DagsterDbtTranslator):
    """Asset groups by layer, as the models are laid out (the UI's boxes): seeds in `raw`,
    then `staging`, `intermediate`, `marts` and `analysis` (models/marts/analysis/)."""

    def get_group_name(self, dbt_resource_props) -> str:
        return dbt_layer(dbt_resource_props["resource_type"], dbt_resource_props["fqn"])


def dbt_layer(resource_type: str, fqn: list[str]) -> str:
    """The layer of a dbt node from its type and its folder (fqn: project, folders..., name)."""
    if resource_type == "seed":
        return "raw"
    folders = fqn[1:-1]
    if folders[:2] == ["marts", "analysis"]:
        return "analysis"
    return folders[0] if folders else "default"


# The dbt source the audit models read: the table the Great Expectations checks
# (orchestration/defs/validation/checks.py) append to on every run. Declared so that it shows in its own
# group rather than in "default".
audit_share_checks = dg.AssetSpec(
    key=["audit", "share_checks"],
    group_name="audit",
    description="Every Great Expectations check of every run (written by the share_checks "
    "asset checks of marts/answer_shares; created by dbt's on-run-start hook).",
)


@dbt_assets(
    manifest=tendensen_project.manifest_path, project=tendensen_project, dagster_dbt_translator=LayerGroups()
)
def tendensen_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build`: seeds, models and their tests in dependency order (all of them, or the
    subset a job selected: dagster-dbt passes it to dbt as `--select`)."""
    prepare_data_folder(context)
    selected = context.selected_asset_keys
    full_build = selected >= tendensen_dbt_assets.keys
    fingerprint = dbt_project_fingerprint()
    # A partial build needs the guard; a tests-only run (publish_warehouse: no asset
    # selected, dbt tests only) builds nothing and needs none.
    if selected and not full_build:
        refuse_partial_build_of_a_changed_project(fingerprint)
    # The landed respondent files live beside the warehouse (absolute path: dbt runs elsewhere).
    dbt_vars = json.dumps({"landed_dir": str(landed_dir()), "salt_fingerprint": salt_fingerprint()})
    # dbt unit tests check the SQL, not the data: they run in `make test`
    # (tests/test_dbt_unit_tests.py), not on every production build.
    warm_up_great_expectations()
    if engine() == "spark":
        # profiles.yml's `spark` target (TENDENSEN_ENGINE) keeps its tables and metastore here
        from tendensen.spark.session import use_loopback

        spark_dir().mkdir(parents=True, exist_ok=True)
        os.environ["TENDENSEN_SPARK_DIR"] = str(spark_dir())
        use_loopback()
    invocation = dbt.cli(
        ["build", "--vars", dbt_vars, "--exclude-resource-type", "unit_test"],
        context=context,
        raise_on_error=False,
        target_path=build_target_path(context),
    )
    yield from invocation.stream()
    # dagster-dbt gives each invocation its own target folder; keep the test results
    # beside the warehouse so `make run` can report them.
    shutil.copyfile(invocation.target_path / "run_results.json", dbt_run_results_path())
    keep_partial_parse(invocation.target_path)
    if invocation.is_successful():
        if full_build:
            record_full_build(fingerprint)
        # dagster-dbt leaves one target folder per run (~8 MB: manifest, compiled SQL, logs);
        # what we need of it is copied above. A failed run's folder stays, for diagnosis.
        shutil.rmtree(invocation.target_path, ignore_errors=True)
    else:
        raise dg.Failure(
            description="dbt build failed: see the dbt log above for the failing model or test.",
            metadata={"run_results": dg.MetadataValue.path(str(dbt_run_results_path()))},
        )
