"""Run dbt Labs' dbt-project-evaluator against a temporary copy of this dbt project.

    .venv/bin/python scripts/project_evaluator/run.py EVALUATOR_DIR DBT_UTILS_DIR

EVALUATOR_DIR and DBT_UTILS_DIR are local checkouts of github.com/dbt-labs/dbt-project-evaluator
and github.com/dbt-labs/dbt-utils (the evaluator needs dbt-utils 1.x). Nothing is installed into
the project: the project's dbt files, both packages (as `local:` packages, so `dbt deps` needs no
network) and a scratch warehouse go into a temporary folder, with this folder's
`dbt_project_vars.yml` merged into the copy's dbt_project.yml and `exceptions.csv` as the
evaluator's exceptions seed. The kept exceptions and why: docs/dbt_conventions.md.

Prints every finding the exceptions leave (one line per row of each non-empty fct_ table of
the evaluator) and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import yaml

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds")
# Evaluator tables that are scores, not lists of findings.
SCORES = {"fct_documentation_coverage", "fct_test_coverage"}


def merged(base: dict, extra: dict) -> dict:
    """`extra` merged into `base`, dictionaries recursively, anything else replaced."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = (
            merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
        )
    return out


def prepare(folder: Path, evaluator: Path, dbt_utils: Path) -> Path:
    """The project copy in `folder/project`, the packages in `folder/packages`."""
    project = folder / "project"
    for name in PROJECT_FILES:
        source, target = REPO_ROOT / name, project / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, target)
    shutil.copyfile(HERE / "exceptions.csv", project / "seeds" / "dbt_project_evaluator_exceptions.csv")
    config = yaml.safe_load((project / "dbt_project.yml").read_text(encoding="utf-8"))
    extra = yaml.safe_load((HERE / "dbt_project_vars.yml").read_text(encoding="utf-8"))
    (project / "dbt_project.yml").write_text(yaml.safe_dump(merged(config, extra)), encoding="utf-8")

    packages = folder / "packages"
    copies = {}
    for name, source in (("dbt_project_evaluator", evaluator), ("dbt_utils", dbt_utils)):
        if not (source / "dbt_project.yml").exists():
            sys.exit(f"{source}: no dbt_project.yml; pass a checkout of the {name} package")
        copies[name] = packages / name
        shutil.copytree(source, copies[name], ignore=shutil.ignore_patterns(".git", "integration_tests*"))
    # The evaluator asks for dbt_utils from the dbt hub: point it at the local copy instead.
    (copies["dbt_project_evaluator"] / "packages.yml").write_text(
        yaml.safe_dump({"packages": [{"local": str(copies["dbt_utils"])}]}), encoding="utf-8"
    )
    (project / "packages.yml").write_text(
        yaml.safe_dump({"packages": [{"local": str(path)} for path in copies.values()]}), encoding="utf-8"
    )
    return project


def dbt(project: Path, *args: str, env: dict) -> None:
    """Run dbt in the copy; stop on an error. The evaluator's tests only warn (a warning is a
    finding, listed from its tables after), so `build` fails only when a node errors."""
    executable = Path(sys.executable).parent / "dbt"
    command = [str(executable), *args, "--project-dir", str(project), "--profiles-dir", str(project)]
    print("$ dbt", " ".join(args), flush=True)
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        errors = [line for line in done.stdout.splitlines() if "ERROR" in line or "Error" in line]
        sys.exit("\n".join(errors[:20]) or done.stdout[-4000:] + done.stderr[-4000:])


def findings(warehouse: Path) -> dict[str, list[tuple]]:
    """Rows of every non-empty evaluator fct_ table (the project's own fct_ marts left out)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_name like 'fct\\_%' escape '\\' and table_schema not like '%marts%' order by 2"
        ).fetchall()
        if not tables:
            sys.exit(f"no evaluator table in {warehouse}: did the build run?")
        found = {}
        for schema, table in tables:
            if table in SCORES:
                result = con.execute(f'select * from "{schema}"."{table}"')
                columns = [column[0] for column in result.description]
                print(table, dict(zip(columns, result.fetchone(), strict=True)))
                continue
            rows = con.execute(f'select * from "{schema}"."{table}"').fetchall()
            if rows:
                found[table] = rows
        return found
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("evaluator", type=Path, help="checkout of dbt-labs/dbt-project-evaluator")
    parser.add_argument("dbt_utils", type=Path, help="checkout of dbt-labs/dbt-utils (1.x)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tendensen-evaluator-") as tmp:
        folder = Path(tmp)
        project = prepare(folder, args.evaluator.resolve(), args.dbt_utils.resolve())
        env = {
            **os.environ,
            "WAREHOUSE_PATH": str(folder / "warehouse.duckdb"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        dbt(project, "deps", env=env)
        # the evaluator reads the graph, not the data: only its models and the exceptions are built
        dbt(
            project,
            "build",
            "--select",
            "package:dbt_project_evaluator",
            "dbt_project_evaluator_exceptions",
            env=env,
        )
        found = findings(folder / "warehouse.duckdb")
    for table, rows in found.items():
        print(f"{table}: {len(rows)}")
        for row in rows:
            print("   ", row)
    print(f"{sum(map(len, found.values()))} finding(s) beyond the exceptions in {HERE / 'exceptions.csv'}")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
