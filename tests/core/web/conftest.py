"""Fixtures: the dashboard app on the test database, logging in through the double."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from core.db.models import GuildConfig
from core.runtime.assembly import Runtime
from core.services import plugin_switches
from core.testing.double import DiscordDouble
from core.testing.double.oauth import CLIENT_SECRET
from core.testing.sandbox.session import settings_for_double
from core.testing.sandbox.world import DemoWorld
from core.web.app import create_app
from core.web.settings import WebSettings
from tests.core.web.support import WebEnv

STATUS_TOKEN = "status-token-for-tests-0123"


def web_settings_for(double: DiscordDouble, **options: object) -> WebSettings:
    """``[web]`` settings logging in through ``double``."""
    return WebSettings(
        client_id=str(double.application_id), client_secret=SecretStr(CLIENT_SECRET),
        status_token=SecretStr(STATUS_TOKEN), **options,  # type: ignore[arg-type]
    )


@pytest.fixture
def web_options() -> dict[str, object]:
    """Extra ``[web]`` settings for a test module (override to change)."""
    return {}


@pytest.fixture
async def web_env(
    guildhall_db: Runtime, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
    web_options: dict[str, object], tmp_path: Path,
) -> AsyncIterator[WebEnv]:
    """The dashboard on the test database; the bot "joined" both demo guilds."""
    settings = settings_for_double(guildhall_db.settings, guildhall_double)
    cluster = settings.cluster.model_copy(update={
        "status_directory": str(tmp_path / "status"),
        "status_key": f"guildhall-test:status:{uuid.uuid4().hex[:12]}"})
    backup = settings.backup.model_copy(update={"directory": str(tmp_path / "backups")})
    settings = settings.model_copy(update={
        "web": web_settings_for(guildhall_double, **web_options), "cluster": cluster,
        "backup": backup})
    plugin_switches.clear_cache()  # process-wide; other tests used the same demo guild ids
    for guild_id in guildhall_demo.guild_ids:
        await GuildConfig.get_or_create(guild_id=guild_id)
    app = create_app(Runtime(settings, guildhall_db.plugins))
    async with TestClient(TestServer(app)) as client:
        yield WebEnv(client, guildhall_double, guildhall_demo, settings)
