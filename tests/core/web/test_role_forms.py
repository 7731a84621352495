"""The dashboard's role fields (leveling reward, mute role) follow :mod:`core.services.role_rule`
with the logged-in user's current standing in the guild: a refusal is a 400 page with the
reason and nothing saved."""

from __future__ import annotations

import pytest

from core.db.models import GuildConfig, SettingsAudit
from core.testing.double import permissions as P
from core.testing.double.state import Member, Role
from plugins.leveling.models import LevelReward
from tests.core.web.support import WebEnv

MANAGE_ROLES_TEXT = "You need these permissions: Manage Roles."
OUTRANK_TEXT = "Your highest role must be above"
DANGER_TEXT = "has dangerous permissions (Administrator)"


@pytest.fixture
def web_options() -> dict[str, object]:
    """This module logs in once per form post, far past the default login rate limit."""
    return {"login_per_address": 10_000, "login_total": 100_000}


async def post(env: WebEnv, who: Member, form: str, data: dict[str, str]) -> tuple[int, str]:
    """Log in as ``who`` and post ``data`` to the guild's ``form``; (status, page)."""
    await env.login(who.id)
    csrf = await env.csrf(f"/dashboard/{env.guild_id}")
    answer = await env.client.post(f"/dashboard/{env.guild_id}/{form}",
                                   data={"csrf": csrf, **data}, allow_redirects=False)
    return answer.status, await answer.text()


def reward(role: Role, level: int) -> dict[str, str]:
    """The leveling form's reward action."""
    return {"action": "reward", "level": str(level), "role_id": str(role.id)}


def general(role: Role, prefix: str = "!") -> dict[str, str]:
    """The general form with ``role`` as the mute role."""
    return {"prefix": prefix, "log_channel_id": "", "mute_role_id": str(role.id)}




async def test_role_fields_follow_the_role_rule(web_env: WebEnv) -> None:
    d, g = web_env.double, web_env.demo.guild
    plain = d.create_role(g, "Regular", position=1)
    danger = d.create_role(g, "Server Admins", permissions=P.ADMINISTRATOR, position=2)
    manager_role = d.create_role(g, "Role Manager",
                                 permissions=P.DEFAULT_EVERYONE | P.MANAGE_GUILD | P.MANAGE_ROLES)
    senior = d.create_role(g, "Senior")
    manager = d.add_member(g, "manager", roles=[manager_role])
    owner = g.members[g.owner_id]
    admin = web_env.demo.admin  # Manage Server only

    refusals = [(admin, plain, MANAGE_ROLES_TEXT), (admin, danger, MANAGE_ROLES_TEXT),
                (manager, senior, OUTRANK_TEXT), (manager, danger, DANGER_TEXT)]
    for who, role, text in refusals:
        status, page = await post(web_env, who, "leveling", reward(role, 5))
        assert status == 400 and text in page, (who.user.username, role.name, status)
        status, page = await post(web_env, who, "general", general(role, prefix="?"))
        assert status == 400 and text in page, (who.user.username, role.name, status)
    assert not await LevelReward.exists(guild_id=g.id)
    row = await GuildConfig.get(guild_id=g.id)
    assert (row.mute_role_id, row.prefix) == (None, "!")  # nothing of the form saved
    assert await SettingsAudit.all().count() == 0

    status, _ = await post(web_env, manager, "leveling", reward(plain, 2))
    assert status == 303 and await LevelReward.exists(guild_id=g.id, level=2, role_id=plain.id)
    status, _ = await post(web_env, owner, "leveling", reward(danger, 3))
    assert status == 303 and await LevelReward.exists(guild_id=g.id, level=3, role_id=danger.id)
    status, _ = await post(web_env, owner, "general", general(danger))
    assert status == 303 and (await GuildConfig.get(guild_id=g.id)).mute_role_id == danger.id
    # the unchanged mute role does not stop someone without Manage Roles saving the prefix
    status, _ = await post(web_env, admin, "general", general(danger, prefix="?"))
    assert status == 303
    row = await GuildConfig.get(guild_id=g.id)
    assert (row.mute_role_id, row.prefix) == (danger.id, "?")
    approvals = await SettingsAudit.filter(setting=f"role_rule.approved.{danger.id}").count()
    assert approvals == 2  # the owner accepted Administrator for the reward and the mute role
