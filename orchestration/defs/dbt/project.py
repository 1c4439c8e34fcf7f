"""The dbt project as dagster-dbt sees it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from tendensen.settings import REPO_ROOT

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
# dagster-dbt runs `dbt` from PATH (its project preparer too): make it this virtualenv's
# dbt, so an un-activated `.venv/bin/python` or `.venv/bin/dagster` works.
_VENV_BIN = str(Path(sys.executable).parent)
if _VENV_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_VENV_BIN, os.environ.get("PATH", "")])

tendensen_project = DbtProject(project_dir=REPO_ROOT, profiles_dir=REPO_ROOT)

# `dagster dev` re-parses on load; everywhere else the manifest must already exist
# (`make run`, the tests), and a fresh clone has none: parse once rather than fail.
tendensen_project.prepare_if_dev()
if not tendensen_project.manifest_path.exists():
    tendensen_project.preparer.prepare(tendensen_project)
