"""Permission matrix, hierarchy rules, the bot's own reach, isolation, and escalation."""

from __future__ import annotations

from typing import Any

import pytest

from core.testing.bot_fixtures import assert_no_mass_mentions, eventually
from core.testing.double import permissions as P
from plugins.moderation.cog import Moderation
from plugins.moderation.guild_settings import RULES
from plugins.moderation.models import ModAction, TempPunishment, Warning
from tests.e2e.plugins.moderation_support import TIMEOUT, ModWorld, mod_world, table_counts

__all__ = ["mod_world"]

# (command, options builder, the permission named in the refusal)
PRIVILEGED: list[tuple[str, Any, str]] = [
    ("warn", lambda w: {"member": w.demo.members["bob"], "reason": "x"}, "Timeout Members"),
    ("warnings", lambda w: {"member": w.demo.members["bob"]}, "Timeout Members"),
    ("pardon", lambda w: {"warning_id": 1}, "Timeout Members"),
    ("kick", lambda w: {"member": w.demo.members["bob"]}, "Kick Members"),
    ("ban", lambda w: {"member": w.demo.members["bob"]}, "Ban Members"),
    ("tempban", lambda w: {"member": w.demo.members["bob"], "duration": "1h"}, "Ban Members"),
    ("unban", lambda w: {"user": w.demo.members["bob"].user}, "Ban Members"),
    ("mute", lambda w: {"member": w.demo.members["bob"], "duration": "1h"}, "Timeout Members"),
    ("unmute", lambda w: {"member": w.demo.members["bob"]}, "Timeout Members"),
    ("modlog", lambda w: {}, "Timeout Members"),
    ("case", lambda w: {"number": 1}, "Timeout Members"),
    ("reason", lambda w: {"number": 1, "text": "changed"}, "Timeout Members"),
    ("modstats", lambda w: {}, "Timeout Members"),
    ("modconfig logchannel", lambda w: {"channel": w.general}, "Manage Server"),
    ("modconfig muterole", lambda w: {}, "Manage Server"),
    ("modconfig rules set", lambda w: {"escalate_ban_at": 3}, "Manage Server"),
    ("modconfig rules show", lambda w: {}, "Manage Server"),
]


async def test_every_privileged_command_denies_a_plain_member(mod_world: ModWorld) -> None:
    w = mod_world
    seeded = await w.slash(w.mod, "warn", {"member": w.demo.members["carol"], "reason": "x"})
    assert seeded.content.startswith("Case #1")
    before = await table_counts()
    for name, options, permission in PRIVILEGED:
        reply = await w.slash(w.demo.member, name, options(w))
        assert reply.ephemeral, name
        assert reply.content == f"You need these permissions: {permission}.", name
    assert await table_counts() == before
    assert w.demo.members["bob"].id in w.guild.members and not w.guild.bans
    assert w.demo.members["bob"].communication_disabled_until is None
    assert_no_mass_mentions(w.double)


@pytest.mark.parametrize("who", ["self", "owner", "bot", "peer"])
async def test_hierarchy_rules(mod_world: ModWorld, who: str) -> None:
    w = mod_world
    owner = w.guild.members[w.guild.owner_id]
    bot = w.guild.members[w.double.bot_user.id]
    target, text = {
        "self": (w.mod, "You cannot do that to yourself."),
        "owner": (owner, "You cannot do that to the server owner."),
        "bot": (bot, "You cannot do that to me."),
        "peer": (w.peer, "highest role is equal to or above yours"),
    }[who]
    for name, extra in [("warn", {"reason": "x"}), ("kick", {}), ("ban", {}),
                        ("mute", {"duration": "1h"})]:
        reply = await w.slash(w.mod, name, {"member": target, **extra})
        assert reply.ephemeral and text in reply.content, (name, reply.content)
    assert await table_counts() == (0, 0, 0, 0)
    assert target.id in w.guild.members and not w.guild.bans


async def test_the_owner_may_act_on_a_moderator(mod_world: ModWorld) -> None:
    w = mod_world
    owner = w.guild.members[w.guild.owner_id]
    reply = await w.slash(owner, "warn", {"member": w.peer, "reason": "owner says"})
    assert reply.content.startswith("Case #1: warned **peer**")


async def test_the_bot_says_what_it_lacks(mod_world: ModWorld) -> None:
    w = mod_world
    bob = w.demo.members["bob"]
    w.double.set_bot_permissions(w.guild, P.DEFAULT_EVERYONE | P.MODERATE_MEMBERS)
    reply = await w.slash(w.mod, "ban", {"member": bob})
    assert reply.ephemeral and reply.content == "I need these permissions here: Ban Members."
    reply = await w.slash(w.mod, "kick", {"member": bob})
    assert reply.content == "I need these permissions here: Kick Members."
    assert await table_counts() == (0, 0, 0, 0) and bob.id in w.guild.members


async def test_the_bot_needs_a_role_above_the_target(mod_world: ModWorld) -> None:
    w = mod_world
    high = w.double.create_role(w.guild, "Council", position=w.guild.bot_role.position + 3)
    owner = w.guild.members[w.guild.owner_id]
    target = w.double.add_member(w.guild, "elder", roles=[high])
    cached = w.bot.get_guild(w.guild.id)
    assert cached is not None
    members_cached = w.bot.settings.bot.profile == "default"  # "large": fetched on demand
    assert await eventually(
        lambda: cached.get_role(high.id) and (cached.get_member(target.id) or not members_cached),
        timeout=TIMEOUT, message="the bot never saw the role and member")
    reply = await w.slash(owner, "kick", {"member": target})
    assert reply.ephemeral and "My highest role" in reply.content and "Council" in reply.content
    assert target.id in w.guild.members and await ModAction.all().count() == 0


async def test_members_of_another_guild_and_other_cases_are_refused(mod_world: ModWorld) -> None:
    w = mod_world
    stranger = w.double.add_member(w.demo.annex, "stranger")
    reply = await w.slash(w.mod, "kick", {"member": stranger.user})
    assert reply.ephemeral and "is not a member of this server" in reply.content
    await w.slash(w.mod, "warn", {"member": w.demo.members["bob"], "reason": "x"})
    admin = w.demo.admin  # Manage Server only: not a moderator
    assert (await w.slash(admin, "case", {"number": 1})).ephemeral
    owner = w.demo.annex.members[w.demo.annex.owner_id]
    missing = await w.slash(owner, "case", {"number": 1}, guild=w.demo.annex,
                            channel=w.demo.annex_general)
    assert missing.content == "There is no case #1 in this server."
    amend = await w.slash(owner, "reason", {"number": 1, "text": "hijack"},
                          guild=w.demo.annex, channel=w.demo.annex_general)
    assert amend.content == "There is no case #1 in this server."
    assert await table_counts() == (1, 1, 0, 0)


async def test_escalation_mutes_then_bans_automatically(mod_world: ModWorld) -> None:
    w = mod_world
    cog = w.bot.get_cog("Moderation")
    assert isinstance(cog, Moderation)
    # the guild's own thresholds, set through the same service as the dashboard form
    await RULES.change(
        w.guild.id, cog.settings,
        {"escalate_mute_at": 2, "escalate_mute_minutes": 30, "escalate_ban_at": 3},
        actor_id=w.demo.admin.id, source="web",
    )
    bob = w.demo.members["bob"]
    first = await w.slash(w.mod, "warn", {"member": bob, "reason": "one"})
    assert "\n" not in first.content
    second = await w.slash(w.mod, "warn", {"member": bob, "reason": "two"})
    assert second.content.endswith("Case #3: mute (automatic: 2 active warnings).")
    assert bob.communication_disabled_until is not None
    third = await w.slash(w.mod, "warn", {"member": bob, "reason": "three"})
    assert third.content.endswith("Case #5: ban (automatic: 3 active warnings).")
    assert bob.id in w.guild.bans
    autos = await ModAction.filter(moderator_id=w.double.bot_user.id).order_by("id")
    assert [(a.action_type, a.reason) for a in autos] == [
        ("mute", "automatic: 2 active warnings"), ("ban", "automatic: 3 active warnings"),
    ]
    assert await Warning.filter(user_id=bob.id, active=True).count() == 3
    assert await TempPunishment.filter(user_id=bob.id, punishment_type="mute").count() == 1


async def test_case_reason_modlog_and_modstats(mod_world: ModWorld) -> None:
    w = mod_world
    bob = w.demo.members["bob"]
    for n in range(12):
        await w.slash(w.mod if n % 3 else w.peer, "warn", {"member": bob, "reason": f"r{n}"})
    amended = await w.slash(w.mod, "reason", {"number": 2, "text": "real reason @everyone"})
    assert amended.content == "Case #2 amended: real reason @everyone"
    case = await w.slash(w.mod, "case", {"number": 2})
    lines = case.content.splitlines()
    assert lines[0] == f"Case #2 · Warning of <@{bob.id}> by <@{w.mod.id}>: r1"
    assert lines[2] == f"Amended by <@{w.mod.id}>: real reason @everyone"
    assert (await ModAction.get(case_number=2, guild_id=w.guild.id)).reason == "r1"
    page1 = await w.slash(w.mod, "modlog", {"member": bob})
    first = page1.content.splitlines()
    assert first[0] == "**Moderation log** (page 1/2, 12 case(s))" and len(first) == 11
    page2 = await w.slash(w.mod, "modlog", {"page": 2})
    assert "real reason" in page2.content and page2.content.count("Case #") == 2
    beyond = await w.slash(w.mod, "modlog", {"page": 3})
    assert beyond.ephemeral and "only 2 page(s)" in beyond.content
    stats = await w.slash(w.mod, "modstats")
    assert stats.content.splitlines()[1:] == [
        f"<@{w.mod.id}>: 8", f"<@{w.peer.id}>: 4", "**Actions**", "Warning: 12",
    ]
    assert_no_mass_mentions(w.double)


async def test_a_configured_role_grants_a_moderation_permission(mod_world: ModWorld) -> None:
    w = mod_world
    helpers = w.double.create_role(w.guild, "Helpers", permissions=0)
    helper = w.double.add_member(w.guild, "helper", roles=[helpers])
    refused = await w.slash(helper, "warn", {"member": w.demo.members["carol"], "reason": "x"})
    assert refused.content == "You need these permissions: Timeout Members."
    settings = w.bot.plugins.plugin_settings["moderation"]
    settings.permission_roles["moderate_members"] = "helpers"
    try:
        granted = await w.slash(helper, "warn", {"member": w.demo.members["carol"],
                                                 "reason": "spam"})
        assert granted.content.startswith("Case #1")
        still = await w.slash(helper, "kick", {"member": w.demo.members["carol"]})
        assert still.content == "You need these permissions: Kick Members."
    finally:
        settings.permission_roles.clear()
    assert await Warning.filter(user_id=w.demo.members["carol"].id).count() == 1
