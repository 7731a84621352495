"""Every command that makes the bot hand out a role x who configures it x which role
(:mod:`core.services.role_rule`): Manage Server alone, Manage Roles below the role, Manage Roles
with a dangerous role, an Administrator, the owner. Refusals are ephemeral, name the rule
and write nothing; the bot checks the role again when it gives it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from core.testing.bot_fixtures import assert_no_mass_mentions, eventually
from core.testing.double import permissions as P
from core.testing.double.state import Channel, Member, Role
from plugins.economy import service as bank
from plugins.economy.models import ShopItem, Transaction
from plugins.leveling.models import LevelReward
from plugins.moderation.models import TempPunishment
from tests.security.hostile import TIMEOUT, HostileWorld, hostile_world
from tests.security.test_permission_matrix import assert_nothing_written, slash, snapshot

__all__ = ["hostile_world"]
pytestmark = pytest.mark.reliability

MANAGE_ROLES_TEXT = "You need these permissions: Manage Roles."
OUTRANK_TEXT = "Your highest role must be above"
DANGER_TEXT = "has dangerous permissions (Administrator)"


@dataclass
class Cast:
    """Roles and members of the role matrix, lowest role first (all below the bot)."""

    plain: Role  # no permissions, below everyone's roles
    danger: Role  # Administrator, below the manager's role
    senior: Role  # no permissions, above the manager's role
    manager: Member  # Manage Server + Manage Roles
    boss: Member  # Administrator
    owner: Member
    log: Channel


async def cast(w: HostileWorld) -> Cast:
    """Create the roles and members and wait until the bot has seen them."""
    d, g = w.double, w.guild
    plain = d.create_role(g, "Regular", position=1)
    danger = d.create_role(g, "Server Admins", permissions=P.ADMINISTRATOR, position=2)
    manager_role = d.create_role(g, "Role Manager",
                                 permissions=P.DEFAULT_EVERYONE | P.MANAGE_GUILD | P.MANAGE_ROLES)
    senior = d.create_role(g, "Senior")
    boss_role = d.create_role(g, "Admins", permissions=P.ADMINISTRATOR)
    manager = d.add_member(g, "manager", roles=[manager_role])
    boss = d.add_member(g, "boss", roles=[boss_role])
    log = d.create_channel(g, "mod-log")
    cached = w.bot.get_guild(g.id)
    assert cached is not None
    await eventually(lambda: cached.get_member(boss.id) and cached.get_channel(log.id)
                     and cached.get_role(boss_role.id), timeout=TIMEOUT,
                     message="the bot never saw the new roles and members")
    await w.bot.guild_configs.update(g.id, log_channel_id=log.id)
    return Cast(plain, danger, senior, manager, boss, w.owner(), log)


# Path -> (options for the n-th use with a role, what it wrote for that role).
Options = Callable[[int, Role], dict[str, Any]]
PATHS: dict[str, Options] = {
    "levels reward add": lambda n, role: {"level": 2 + role.position, "role": role},
    "shop add": lambda n, role: {"name": f"item {n}", "price": "10", "role": role},
    "modconfig muterole": lambda n, role: {"role": role},
}


async def configured(w: HostileWorld, path: str, role: Role) -> bool:
    """Whether ``path`` stored ``role`` for the guild."""
    gid = w.guild.id
    if path == "levels reward add":
        return await LevelReward.filter(guild_id=gid, role_id=role.id).exists()
    if path == "shop add":
        return await ShopItem.filter(guild_id=gid, role_id=role.id).exists()
    return (await w.bot.guild_configs.get(gid)).mute_role_id == role.id


@pytest.mark.parametrize("path", list(PATHS))
async def test_who_may_make_the_bot_hand_out_a_role(hostile_world: HostileWorld,
                                                    path: str) -> None:
    w = hostile_world
    c = await cast(w)
    options = PATHS[path]
    refusals: list[tuple[Member, Role, str]] = [
        (w.demo.admin, c.plain, MANAGE_ROLES_TEXT),  # Manage Server only
        (w.demo.admin, c.danger, MANAGE_ROLES_TEXT),  # the reported escalation
        (c.manager, c.senior, OUTRANK_TEXT),  # Manage Roles, role above them
        (c.manager, c.danger, DANGER_TEXT),  # Manage Roles, outranks, Administrator role
    ]
    before = await snapshot(w, w.demo.admin, c.manager)
    for n, (who, role, text) in enumerate(refusals):
        reply = await slash(w, who, path, options(n, role))
        assert reply.ephemeral, (who.user.username, role.name, reply.content)
        assert text in reply.content, (who.user.username, role.name, reply.content)
    await assert_nothing_written(w, before, "a refused role configuration")
    assert (await w.bot.guild_configs.get(w.guild.id)).mute_role_id is None

    allowed: list[tuple[Member, Role]] = [
        (c.manager, c.plain), (c.boss, c.danger), (c.owner, c.danger),
    ]
    for n, (who, role) in enumerate(allowed, start=len(refusals)):
        reply = await slash(w, who, path, options(n, role))
        assert not reply.ephemeral, (who.user.username, role.name, reply.content)
        assert await configured(w, path, role), (who.user.username, role.name)
    assert_no_mass_mentions(w.double, min_checked=len(refusals) + len(allowed))


async def refusal_posted(w: HostileWorld, log: Channel) -> str:
    """The next "Role not given" line the bot posted in the log channel."""
    message = await w.double.wait_for_message(
        log, check=lambda m: m.interaction is None and m.content.startswith("Role not given"),
        timeout=TIMEOUT)
    return message.content


async def dangerous_now(w: HostileWorld, role: Role) -> None:
    """Give ``role`` Administrator on Discord and wait until the bot knows."""
    w.double.set_role_permissions(w.guild, role, P.ADMINISTRATOR)
    cached = w.bot.get_guild(w.guild.id)
    assert cached is not None
    await eventually(lambda: cached.get_role(role.id).permissions.administrator,
                     timeout=TIMEOUT, message="the bot never saw the role change")


async def test_a_reward_role_that_became_dangerous_is_not_given(
    hostile_world: HostileWorld, caplog: pytest.LogCaptureFixture
) -> None:
    w = hostile_world
    c = await cast(w)
    trusted = w.double.create_role(w.guild, "Trusted", permissions=P.KICK_MEMBERS, position=1)
    await eventually(lambda: w.bot.get_guild(w.guild.id).get_role(trusted.id), timeout=TIMEOUT)
    for level, role in ((2, c.plain), (3, trusted)):  # the owner approves Kick Members
        reply = await slash(w, c.owner, "levels reward add", {"level": level, "role": role})
        assert not reply.ephemeral, reply.content
    await dangerous_now(w, c.plain)
    alice = w.demo.member
    with caplog.at_level(logging.WARNING, logger="core.services.role_rule"):
        reply = await slash(w, c.owner, "xp set", {"member": alice, "amount": 400})
    assert "(level 1 → 3)" in reply.content
    assert "Reward roles:" in reply.content and DANGER_TEXT.replace("has", "now has") in \
        reply.content
    assert set(w.guild.members[alice.id].roles) == {trusted.id}  # approved one given only
    posted = await refusal_posted(w, c.log)
    assert posted.startswith(f"Role not given (level 3 reward for <@{alice.id}>)")
    assert "now has dangerous permissions (Administrator)" in posted
    assert any("not given" in r.getMessage() and str(c.plain.id) in r.getMessage()
               for r in caplog.records), "no log line for the refused role"
    assert_no_mass_mentions(w.double)


async def test_a_refused_reward_is_posted_in_the_guilds_language(
    hostile_world: HostileWorld,
) -> None:
    """The log channel is read by many: the guild's language (German); the admin who ran
    ``/xp`` reads the same refusal in their own (French)."""
    w = hostile_world
    c = await cast(w)
    w.double.set_guild_locale(w.guild, "de")
    w.double.set_user_locale(c.owner.user, "fr")
    cached = w.bot.get_guild(w.guild.id)
    await eventually(lambda: str(cached.preferred_locale) == "de", timeout=TIMEOUT,
                     message="the guild's new locale did not reach the bot")
    reply = await slash(w, c.owner, "levels reward add", {"level": 2, "role": c.plain})
    assert not reply.ephemeral, reply.content
    await dangerous_now(w, c.plain)
    alice = w.demo.member
    reply = await slash(w, c.owner, "xp set", {"member": alice, "amount": 400})
    assert "Rôles de récompense : Regular a maintenant des permissions dangereuses " \
        "(Administrateur)" in reply.content
    message = await w.double.wait_for_message(
        c.log, check=lambda m: m.interaction is None and m.content.startswith("Rolle nicht"),
        timeout=TIMEOUT)
    assert message.content.startswith(
        f"Rolle nicht vergeben (Belohnung für Level 3 für <@{alice.id}>): Regular hat jetzt "
        "gefährliche Berechtigungen (Administrator)")
    assert_no_mass_mentions(w.double)


async def test_a_shop_role_that_became_dangerous_is_not_sold(hostile_world: HostileWorld) -> None:
    w = hostile_world
    c = await cast(w)
    reply = await slash(w, c.manager, "shop add", {"name": "VIP", "price": "10",
                                                   "role": c.plain})
    assert not reply.ephemeral, reply.content
    await dangerous_now(w, c.plain)
    alice = w.demo.member
    await bank.deposit(alice.id, w.guild.id, 50, "admin")
    reply = await slash(w, alice, "buy", {"item": "VIP"})
    assert reply.ephemeral and "now has dangerous permissions" in reply.content
    assert c.plain.id not in w.guild.members[alice.id].roles
    kinds = await Transaction.filter(guild_id=w.guild.id).values_list("transaction_type",
                                                                      flat=True)
    assert list(kinds) == ["admin"], "the buyer was charged"
    posted = await refusal_posted(w, c.log)
    assert posted.startswith(f"Role not given (a shop item's role for <@{alice.id}>)")
    assert_no_mass_mentions(w.double)


async def test_a_mute_role_that_became_dangerous_is_not_given(
    hostile_world: HostileWorld
) -> None:
    w = hostile_world
    c = await cast(w)
    reply = await slash(w, c.manager, "modconfig muterole", {"role": c.plain})
    assert not reply.ephemeral, reply.content
    await dangerous_now(w, c.plain)
    bob = w.demo.members["bob"]
    reply = await slash(w, w.mod, "mute", {"member": bob, "duration": "60d"})
    assert reply.ephemeral and reply.content.startswith("The mute role was not given:")
    assert "now has dangerous permissions (Administrator)" in reply.content
    assert c.plain.id not in w.guild.members[bob.id].roles
    assert await TempPunishment.all().count() == 0
    posted = await refusal_posted(w, c.log)
    assert posted.startswith("Role not given (the mute role)")
    assert_no_mass_mentions(w.double)


async def test_a_mute_role_that_became_dangerous_is_not_given_back_on_rejoin(
    hostile_world: HostileWorld
) -> None:
    w = hostile_world
    c = await cast(w)
    await slash(w, c.manager, "modconfig muterole", {"role": c.plain})
    bob = w.demo.members["bob"]
    reply = await slash(w, w.mod, "mute", {"member": bob, "duration": "60d"})
    assert reply.content.endswith("(with the mute role)."), reply.content
    await w.double.member_leave(w.guild, w.guild.members[bob.id])
    await dangerous_now(w, c.plain)
    await w.double.member_join(w.guild, bob.user)
    posted = await refusal_posted(w, c.log)
    assert posted.startswith(f"Role not given (the mute role for <@{bob.id}>, who "
                                     "rejoined)")
    assert c.plain.id not in w.guild.members[bob.id].roles
    assert_no_mass_mentions(w.double)


async def test_escalation_uses_a_timeout_when_the_mute_role_became_dangerous(
    hostile_world: HostileWorld
) -> None:
    w = hostile_world
    c = await cast(w)
    await slash(w, c.manager, "modconfig muterole", {"role": c.plain})
    changed = await slash(w, c.owner, "modconfig rules set", {"escalate_mute_at": 1})
    assert "Mute at this many active warnings (0: never): 0 → 1" in changed.content, changed.content
    await dangerous_now(w, c.plain)
    bob = w.demo.members["bob"]
    reply = await slash(w, w.mod, "warn", {"member": bob, "reason": "spam"})
    assert "Case #2: mute" in reply.content, reply.content
    assert c.plain.id not in w.guild.members[bob.id].roles
    assert bob.communication_disabled_until is not None  # a timeout instead
    posted = await refusal_posted(w, c.log)
    assert f"the mute role for <@{bob.id}> (escalation)" in posted
    assert_no_mass_mentions(w.double)
