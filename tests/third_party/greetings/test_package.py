"""The package as an outsider ships it: pip-installable, discovered, migrated, documented."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from core.db import migrations
from core.db.docs import collect
from core.plugins.manager import PluginManager
from core.runtime.assembly import Runtime
from core.runtime.config import ConfigError, load_settings
from core.testing.pytest_plugin import make_settings
from tests.helpers import ROOT, guildhall


def test_pip_install_ships_code_migrations_and_entry_point(greetings_site: Path) -> None:
    package = greetings_site / "guildhall_greetings"
    for dialect in ("sqlite", "postgres"):
        assert list((package / "migrations" / dialect / "greetings").glob("0_*_init.py"))
    [dist_info] = greetings_site.glob("guildhall_greetings-0.1.0.dist-info")
    entry_points = (dist_info / "entry_points.txt").read_text()
    assert "[guildhall.plugins]" in entry_points
    assert "greetings = guildhall_greetings.plugin:plugin" in entry_points


def test_the_cli_lists_the_installed_plugin_with_its_tables(
    greetings_site: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[plugins]\nenabled = ["greetings"]\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUILDHALL_")}
    env["PYTHONPATH"] = os.pathsep.join((str(greetings_site), str(ROOT)))  # guildhall under test
    result = guildhall("--config", str(config), "plugins", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [row] = [line for line in result.stdout.splitlines() if "greetings" in line]
    assert "package guildhall-greetings" in row
    assert "greeting_timers, greetings" in row and "yes" in row


def test_committed_migrations_agree_with_the_models(greetings_on_path: Path) -> None:
    runtime = Runtime.from_settings(make_settings("sqlite://:memory:", ["greetings"]))
    [app] = [a for a in runtime.migration_apps() if a.name == "greetings"]
    assert app.root == greetings_on_path / "guildhall_greetings" / "migrations"
    assert asyncio.run(migrations.check([app], runtime.plugin_models)) == []


def test_data_documentation_covers_the_plugin(greetings_on_path: Path) -> None:
    runtime = Runtime.from_settings(make_settings("sqlite://:memory:", ["greetings"]))
    doc = asyncio.run(collect(runtime))
    tables = {t.table: t for t in doc.tables if t.app == "greetings"}
    assert sorted(tables) == ["greeting_timers", "greetings"]
    assert tables["greeting_timers"].timer_table
    assert tables["greetings"].lifecycle.owner == "greetings"
    [job] = [j for j in doc.jobs if j.owner == "greetings"]
    assert (job.name, job.table, job.age) == (
        "greetings.sent.delete", "greeting_timers", "send_at older than 7 days")


def test_bad_plugin_settings_fail_with_the_key(greetings_on_path: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[plugins]\nenabled = ["greetings"]\n'
                      '[plugins.greetings]\nsent_retention_days = 0\n')
    with pytest.raises(ConfigError) as caught:
        PluginManager(load_settings(config)).load()
    assert "plugins.greetings.sent_retention_days = 0" in str(caught.value)
