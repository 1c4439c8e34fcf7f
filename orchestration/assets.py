"""dbt seeds, models and tests as Dagster assets and asset checks."""

import json
import shutil

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.project import tendensen_project
from orchestration.settings import dbt_run_results_path, landed_dir, salt_path


def salt_fingerprint() -> str:
    """A short, irreversible fingerprint of the respondent salt (none before any landing)."""
    import hashlib

    path = salt_path()
    if not path.exists():
        return "unsalted"
    return hashlib.sha256(path.read_bytes().strip()).hexdigest()[:12]


@dbt_assets(manifest=tendensen_project.manifest_path, project=tendensen_project)
def tendensen_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build`: seeds, models and their tests in dependency order."""
    # The landed respondent files live beside the warehouse (absolute path: dbt runs elsewhere).
    dbt_vars = json.dumps({"landed_dir": str(landed_dir()), "salt_fingerprint": salt_fingerprint()})
    # dbt unit tests check the SQL, not the data: they run in `make test`
    # (tests/test_dbt_unit_tests.py), not on every production build.
    invocation = dbt.cli(["build", "--vars", dbt_vars, "--exclude-resource-type", "unit_test"],
                         context=context, raise_on_error=False)
    yield from invocation.stream()
    # dagster-dbt gives each invocation its own target folder; keep the test results
    # beside the warehouse so `make run` can report them.
    shutil.copyfile(invocation.target_path / "run_results.json", dbt_run_results_path())
    if not invocation.is_successful():
        raise dg.Failure(
            description="dbt build failed: see the dbt log above for the failing model or test.",
            metadata={"run_results": dg.MetadataValue.path(str(dbt_run_results_path()))},
        )
