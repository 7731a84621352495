"""What a plugin author's conftest looks like: install the package, enable it, use the kit.

The distribution in ``tests/fixtures/greetings_dist`` is built and installed once per
session with pip into a temporary directory (``--target``), which is put on ``sys.path``
only for the tests that enable the plugin: guildhall finds it through its
``guildhall.plugins`` entry point, exactly as after ``pip install guildhall-greetings``.
The shared environment's site-packages is never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble
from core.testing.double.interactions import InteractionReply
from core.testing.double.state import Channel, Guild, Member
from tests.helpers import ROOT

DIST = ROOT / "tests" / "fixtures" / "greetings_dist"
TIMEOUT = 20.0  # generous: the suite shares two cores


def pip_install(source: Path, target: Path) -> None:
    """``pip install --target`` a local distribution, offline, without its dependencies."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--no-build-isolation", "--disable-pip-version-check", "--target", str(target),
         str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"pip install {source} failed:\n{result.stderr}"


@pytest.fixture(scope="session")
def greetings_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the pip-installed ``guildhall-greetings`` (once per session)."""
    work = tmp_path_factory.mktemp("greetings")
    source = work / "source"  # pip builds in place: keep build files out of the repo
    shutil.copytree(DIST, source, ignore=shutil.ignore_patterns(
        "__pycache__", "build", "*.egg-info"))
    site = work / "site"
    pip_install(source, site)
    return site


@pytest.fixture
def greetings_on_path(greetings_site: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The installed package importable (and its entry point visible) for one test."""
    monkeypatch.syspath_prepend(str(greetings_site))
    return greetings_site


@pytest.fixture
def guildhall_plugins(greetings_on_path: Path) -> list[str]:
    """The kit's hook: enable only the greetings plugin in guildhall_settings/_db/_bot."""
    return ["greetings"]


async def slash(
    double: DiscordDouble, guild: Guild, channel: Channel, member: Member, name: str,
    options: dict[str, Any] | None = None,
) -> InteractionReply:
    """Invoke a slash command as ``member`` and return the bot's first answer."""
    handle = await double.invoke_slash(guild, channel, member, name, options,
                                       register_timeout=TIMEOUT)
    return await handle.wait_response(timeout=TIMEOUT)


async def leading(bot: GuildhallBot) -> GuildhallBot:
    """Wait until ``bot`` holds the leader lease (its scheduler then runs the timers)."""
    await eventually(lambda: bot.leader is not None and bot.leader.is_leader,
                     timeout=TIMEOUT, message="the bot did not become leader")
    return bot
