"""The files the code reads as package data (importlib.resources) are declared in pyproject.toml,
so a non-editable install (a wheel) carries them too: setuptools installs only the Python files
and what `[tool.setuptools.package-data]` lists."""

from __future__ import annotations

from fnmatch import fnmatch

import pytest

from tendensen.report.build import _template
from tendensen.settings import REPO_ROOT
from tendensen.validation.data_docs import _offline_css

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")


def _package_data() -> dict[str, list[str]]:
    with open(REPO_ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["tool"]["setuptools"]["package-data"]


def _declared(path, package_data: dict[str, list[str]]) -> bool:
    """Whether a file under tendensen/ matches a package-data pattern of its package."""
    for package, patterns in package_data.items():
        folder = REPO_ROOT.joinpath(*package.split("."))
        if folder in path.parents:
            relative = path.relative_to(folder).as_posix()
            if any(fnmatch(relative, pattern) for pattern in patterns):
                return True
    return False


def test_every_template_file_is_declared_package_data():
    templates = [
        path
        for path in sorted((REPO_ROOT / "tendensen").rglob("templates/*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]
    assert {path.name for path in templates} >= {"page.html", "report.css", "data_docs.css"}
    package_data = _package_data()
    assert [path for path in templates if not _declared(path, package_data)] == []


def test_an_undeclared_file_is_caught():
    package_data = {"tendensen.report": ["templates/*.css"]}
    assert _declared(REPO_ROOT / "tendensen" / "report" / "templates" / "report.css", package_data)
    assert not _declared(REPO_ROOT / "tendensen" / "report" / "templates" / "page.html", package_data)


def test_templates_are_read_as_package_resources():
    assert _template("page.html").startswith("<!DOCTYPE html>")
    assert "$css" in _template("page.html") and ":root{" in _template("report.css")
    assert "font-family" in _offline_css()
