"""`tendensen-dbt`: dbt's own command line, in a process with the collector tuned.

Dagster runs dbt as a subprocess (`DbtCliResource.dbt_executable`); this entry point
(pyproject.toml, `[project.scripts]`) is dbt's `dbt` with `tendensen.gc_tuning`
applied first: fewer collections while dbt imports and parses, the same arguments
and output.
"""

from __future__ import annotations

import sys

import tendensen  # noqa: F401  (its import tunes the collector before dbt's imports)


def main() -> int:
    from dbt.cli.main import cli

    sys.argv[0] = "dbt"  # dbt's messages name the command as users know it
    return cli()


if __name__ == "__main__":
    sys.exit(main())
