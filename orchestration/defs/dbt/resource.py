"""The dbt CLI resource, without the work dagster-dbt does before dbt even starts.

Before every `dbt build`, `DbtCliResource.cli` (dagster-dbt 0.29) runs `dbt --version` in a
subprocess (a whole dbt start-up, to tell dbt Core from the Fusion engine) and builds an
in-process dbt adapter (imports and macro loading) that only `fetch_column_metadata()` /
`fetch_row_counts()` use. We use neither, and dbt Core is pinned in pyproject.toml, so both
are answered here without the cost (measured: bench/NOTES.md, "Timings once quoted in the
code").

Both hooks are private to dagster-dbt: tests/test_dbt_resource.py fails if an upgrade
renames them, rather than letting the saving vanish silently.
"""

from __future__ import annotations

from functools import cached_property
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource
from packaging import version


class TendensenDbtCliResource(DbtCliResource):
    """`DbtCliResource` for the pinned dbt Core, with no in-process adapter."""

    @cached_property
    def _cli_version(self) -> version.Version:
        # the `dbt` this resource runs is the virtualenv's own (orchestration/defs/dbt/project.py)
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - same signature as the parent
        return None  # no column metadata or row counts are fetched through Dagster
