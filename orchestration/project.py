"""The dbt project as dagster-dbt sees it."""

from __future__ import annotations

import os

from dagster_dbt import DbtProject

from orchestration.settings import REPO_ROOT

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

tendensen_project = DbtProject(project_dir=REPO_ROOT, profiles_dir=REPO_ROOT)

# `dagster dev` re-parses on load; everywhere else the manifest must already exist
# (`make run`, the tests), and a fresh clone has none: parse once rather than fail.
tendensen_project.prepare_if_dev()
if not tendensen_project.manifest_path.exists():
    tendensen_project.preparer.prepare(tendensen_project)
