"""What the docs pages must document, read from the code: every hook, every CLI command
and option, every settings section, every benchmark; and every repository path they name
exists."""

from __future__ import annotations

import importlib
import inspect
import re

import click

from core.cli import cli
from core.plugins import api, hookspecs
from core.runtime.config import Settings
from tests.docs.pages import doc_files, docs_text, page
from tests.helpers import ROOT

DOTTED = re.compile(r"`((?:core|plugins|cluster)\.[\w.]*\w)")
# Dotted names in the pages that are not Python objects: a maintenance job, a buffer, a key.
NOT_OBJECTS = {"core.purge_departed_guilds", "core.user_activity", "plugins.economy.work_min",
               "core.rank_counts", "core.xp_buckets"}  # a maintenance job, an integrity check
REPO_PATH = re.compile(r"`((?:core|plugins|cluster|tests|scripts|docs|migrations)/[\w./-]*)`")


def hook_names() -> list[str]:
    return [name for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
            if name.startswith("guildhall_") and hasattr(function, "guildhall_spec")]


def commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, click.Command]]:
    """(space-joined path, command) for every leaf command of the ``guildhall`` CLI."""
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += commands(command, (*path, name))
        else:
            found.append((" ".join((*path, name)), command))
    return found


def test_every_hook_is_in_the_authoring_docs() -> None:
    names = hook_names()
    assert len(names) >= 14
    authoring = page("plugin-authoring.md")
    assert [name for name in names if f"`{name}(" not in authoring] == []


def test_every_hook_is_listed_under_its_phase() -> None:
    rows = [line for line in page("plugin-authoring.md").splitlines() if line.startswith("| ")]
    placed = [(phase, name) for phase, names in hookspecs.PHASES.items() for name in names]
    assert len(placed) == len(hook_names())
    assert [(phase, name) for phase, name in placed
            if not any(row.startswith(f"| {phase} |") and f"`{name}(" in row for row in rows)] == []


def test_every_public_api_name_is_in_the_authoring_docs() -> None:
    authoring = page("plugin-authoring.md")
    assert len(api.__all__) > 40
    assert [name for name in api.__all__ if f"`{name}`" not in authoring] == []


def test_every_cli_command_and_option_is_in_the_cli_page() -> None:
    reference = page("cli.md")
    found = commands(cli)
    assert len(found) >= 15
    missing = [path for path, _ in found
               if not re.search(rf"^  {re.escape(path)}(\s|$)", reference, re.MULTILINE)]
    assert missing == []
    options = [(path, flag) for path, command in found for param in command.params
               if isinstance(param, click.Option) for flag in param.opts]
    assert [(path, flag) for path, flag in options if flag not in reference] == []


def test_every_settings_section_is_in_the_configuration_table() -> None:
    table = page("configuration.md")
    sections = list(Settings.model_fields)
    assert [s for s in sections if not re.search(rf"^\| {s} \|", table, re.MULTILINE)] == []


def test_every_benchmark_is_in_the_testing_page() -> None:
    testing = page("testing.md")
    benches = [p.stem for p in (ROOT / "tests" / "bench").glob("*.py")
               if p.stem not in ("__init__", "common")]
    assert len(benches) >= 10
    assert [b for b in benches if f"python -m tests.bench.{b}`" not in testing] == []


def test_every_repository_path_the_docs_name_exists() -> None:
    named = {(path.relative_to(ROOT).as_posix(), match)
             for path in doc_files() for match in REPO_PATH.findall(path.read_text("utf-8"))}
    assert len(named) > 20
    missing = sorted((where, p) for where, p in named
                     if "<" not in p and "*" not in p and not (ROOT / p).exists())
    assert missing == []


def resolves(dotted: str) -> bool:
    """True when ``dotted`` is a module, or a module followed by attributes of it."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def test_every_module_and_object_the_docs_name_exists() -> None:
    """`core.x.y` names in the pages (DATABASE.md lists job names, not objects)."""
    named = {(path.relative_to(ROOT).as_posix(), match) for path in doc_files()
             if path.name != "DATABASE.md" for match in DOTTED.findall(path.read_text("utf-8"))}
    assert len(named) >= 15
    assert sorted((where, name) for where, name in named
                  if name not in NOT_OBJECTS and not resolves(name)) == []


def test_docs_text_holds_readme_and_every_page() -> None:
    text = docs_text()
    assert "python3 scripts/dev.py test" in text and "guildhall_web_panels" in text
