"""No Discord access token is kept: the login reads the user and their servers, then the
session row holds neither token nor secret; admin access is checked live (bot token)."""

from __future__ import annotations

import pytest

from core.db.models import WebSession
from core.testing.double import permissions
from tests.core.web.support import WebEnv


@pytest.fixture
def web_options() -> dict[str, object]:
    return {"permissions_cache_seconds": 0}


async def test_the_session_row_keeps_no_discord_token(web_env: WebEnv) -> None:
    done = await web_env.login(web_env.demo.admin.id)
    assert done.status == 302
    issued = list(web_env.double.oauth.tokens)
    assert issued  # the login did get a token from the double
    rows = await WebSession.all().values()
    assert len(rows) == 1
    assert "access_token" not in rows[0]
    stored = " ".join(str(value) for value in rows[0].values())
    assert not any(token in stored for token in issued)
    assert str(web_env.guild_id) in rows[0]["manageable_guilds"]


async def test_admin_access_is_checked_live_without_the_user_token(web_env: WebEnv) -> None:
    await web_env.login(web_env.demo.admin.id)
    web_env.double.oauth.revoke_all(web_env.demo.admin.id)  # the token is worthless now
    servers = await web_env.client.get("/dashboard")
    assert servers.status == 200 and "Guildhall Demo" in await servers.text()
    assert (await web_env.client.get(f"/dashboard/{web_env.guild_id}")).status == 200
    web_env.demo.admin_role.permissions = permissions.DEFAULT_EVERYONE
    refused = await web_env.client.get(f"/dashboard/{web_env.guild_id}")
    assert refused.status == 403
    assert "Manage Server" in await refused.text()


async def test_a_member_who_left_is_refused(web_env: WebEnv) -> None:
    await web_env.login(web_env.demo.admin.id)
    web_env.double.world.guilds[web_env.guild_id].members.pop(web_env.demo.admin.id)
    refused = await web_env.client.get(f"/dashboard/{web_env.guild_id}")
    assert refused.status == 403
