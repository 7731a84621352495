"""The packaging metadata is current: SPDX license, a free distribution name, no warnings."""

from __future__ import annotations

import glob
import tomllib
import warnings

from packaging.licenses import canonicalize_license_expression
from setuptools.config.pyprojecttoml import apply_configuration
from setuptools.dist import Distribution

from core.cli.common import DISTRIBUTION
from tests.helpers import ROOT

PYPROJECT = ROOT / "pyproject.toml"


def test_setuptools_reads_the_metadata_without_a_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dist = apply_configuration(Distribution(), str(PYPROJECT))
    assert [str(w.message).splitlines()[0] for w in caught] == []
    assert dist.metadata.name == DISTRIBUTION


def test_license_is_an_spdx_expression_with_its_file() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    assert canonicalize_license_expression(project["license"]) == "MIT"
    for pattern in project["license-files"]:
        assert list(ROOT.glob(pattern)), pattern


def test_the_distribution_name_is_not_the_taken_one() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    assert project["project"]["name"] == DISTRIBUTION != "guildhall"
    assert "testing" in project["project"]["optional-dependencies"]
    build = project["build-system"]["requires"]
    assert build == ["setuptools>=77"]  # the first with SPDX license expressions


def test_every_scaffold_template_is_shipped() -> None:
    """``glob`` as setuptools uses it (hidden folders such as .github need their own line)."""
    data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = data["package-data"]["core.plugins.scaffold"]
    folder = ROOT / "core" / "plugins" / "scaffold"
    shipped = {path for pattern in patterns
               for path in glob.glob(pattern, root_dir=folder, recursive=True)}
    templates = {str(p.relative_to(folder)) for p in (folder / "template").rglob("*.tmpl")}
    assert templates and templates <= shipped, templates - shipped


def test_every_locale_file_is_shipped() -> None:
    """Core's and the built-in plugins' ``locales/*.json`` are package data of their package."""
    data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = data["package-data"]["*"]
    files = [*ROOT.glob("core/**/locales/*.json"), *ROOT.glob("plugins/*/locales/*.json")]
    assert len(files) >= 40
    for path in files:
        package = path.parent.parent
        shipped = {p for pattern in patterns for p in glob.glob(pattern, root_dir=package)}
        assert str(path.relative_to(package)) in shipped, path
