"""Every privileged command of every plugin x a plain member: denied, nothing written.

"Nothing written" is checked on every table of core and every enabled plugin (a digest
of every row, so an UPDATE shows too: ``tests.helpers.table_digests``), apart from the
bookkeeping any command use causes (last-seen activity and command statistics); the
invokers act once first and the bot's buffers are flushed before each snapshot. Also:
the role hierarchy across commands, and the bot reporting the permissions it lacks itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core.testing.bot_fixtures import assert_no_mass_mentions, eventually
from core.testing.double import permissions as P
from tests.helpers import changed_tables, table_digests
from tests.security.hostile import TIMEOUT, HostileWorld, hostile_world

__all__ = ["hostile_world"]
pytestmark = pytest.mark.reliability

Options = Callable[[HostileWorld], dict[str, Any]]


def bob(w: HostileWorld) -> Any:
    """The usual target."""
    return w.demo.members["bob"]


# Privileged command -> options an authorised member could use successfully.
PRIVILEGED: dict[str, Options] = {
    "ban": lambda w: {"member": bob(w), "reason": "spam"},
    "case": lambda w: {"number": 1},
    "customcmd create": lambda w: {"name": "hello", "response": "hi {user}"},
    "customcmd delete": lambda w: {"name": "seeded"},
    "customcmd edit": lambda w: {"name": "seeded", "response": "changed"},
    "economy config set": lambda w: {"daily_amount": 500},
    "economy config show": lambda w: {},
    "economy give": lambda w: {"member": bob(w), "amount": "100"},
    "economy take": lambda w: {"member": bob(w), "amount": "1"},
    "kick": lambda w: {"member": bob(w)},
    "levels announce": lambda w: {"mode": "off"},
    "levels exclude": lambda w: {"channel": w.demo.general},
    "levels include": lambda w: {"channel": w.demo.general},
    "levels rates": lambda w: {"xp_min": 1, "xp_max": 2},
    "levels reward add": lambda w: {"level": 5, "role": w.mod_role},
    "levels reward list": lambda w: {},
    "levels reward remove": lambda w: {"level": 5},
    "levels reward stacking": lambda w: {"keep_lower": False},
    "levels show": lambda w: {},
    "levels toggle": lambda w: {"enabled": False},
    "modconfig logchannel": lambda w: {"channel": w.demo.general},
    "modconfig muterole": lambda w: {"role": w.mod_role},
    "modconfig rules set": lambda w: {"escalate_ban_at": 3},
    "modconfig rules show": lambda w: {},
    "modlog": lambda w: {},
    "modstats": lambda w: {},
    "mute": lambda w: {"member": bob(w), "duration": "1h"},
    "pardon": lambda w: {"warning_id": 1},
    "plugins disable": lambda w: {"plugin": "economy"},
    "plugins enable": lambda w: {"plugin": "economy"},
    "prefix set": lambda w: {"prefix": "?"},
    "reason": lambda w: {"number": 1, "text": "rewritten"},
    "reminders admin cancel": lambda w: {"member": bob(w)},
    "reminders admin list": lambda w: {"member": bob(w)},
    "shop add": lambda w: {"name": "vip", "price": "10"},
    "shop remove": lambda w: {"name": "seeded"},
    "stats bot": lambda w: {},
    "tempban": lambda w: {"member": bob(w), "duration": "1h"},
    "transactions": lambda w: {"member": bob(w)},  # another member's history
    "unban": lambda w: {"user": bob(w).user},
    "unmute": lambda w: {"member": bob(w)},
    "warn": lambda w: {"member": bob(w), "reason": "x"},
    "warnings": lambda w: {"member": bob(w)},
    "welcome autorole clear": lambda w: {},
    "welcome autorole set": lambda w: {"role": w.mod_role},
    "welcome dm": lambda w: {"state": "on"},
    "welcome message": lambda w: {"text": "Hi {user.mention}"},
    "welcome off": lambda w: {},
    "welcome set": lambda w: {"channel": w.demo.general},
    "welcome show": lambda w: {},
    "welcome test": lambda w: {},
    "xp add": lambda w: {"member": bob(w), "amount": 10},
    "xp remove": lambda w: {"member": bob(w), "amount": 1},
    "xp set": lambda w: {"member": bob(w), "amount": 100},
}
PUBLIC = {"balance", "buy", "customcmd info", "customcmd list", "daily", "gamble", "help",
          "global leaderboard", "global optout",
          "plugins list",
          "leaderboard", "ping", "prefix show", "privacy delete", "privacy export", "rank",
          "remind", "reminders cancel",
          "reminders list", "richest", "shop list", "stats commands", "stats me",
          "timezone set", "timezone show", "transfer", "work"}
DENIALS = ("You need these permissions", "You need the Manage Server permission",
           "Only the bot owner can use this.")


async def snapshot(w: HostileWorld, *invokers: Any) -> dict[str, str]:
    """Every table's digest once everything buffered is written. ``invokers`` use a public
    command first, so their own first-use bookkeeping lands before the snapshot."""
    for member in invokers:
        await slash(w, member, "ping", {})
    await w.bot.flush()
    return await table_digests()


async def assert_nothing_written(w: HostileWorld, before: dict[str, str], what: str) -> None:
    """No table changed since ``before`` (after flushing what the commands buffered)."""
    changed = changed_tables(before, await snapshot(w))
    assert not changed, f"{what} wrote to {changed}"


async def slash(w: HostileWorld, member: Any, name: str, options: dict[str, Any]) -> Any:
    """Invoke in #general of the demo guild; the first answer."""
    handle = await w.double.invoke_slash(w.guild, w.demo.general, member, name, options,
                                         register_timeout=TIMEOUT)
    return await handle.wait_response(timeout=TIMEOUT)


async def seed(w: HostileWorld) -> None:
    """Give the privileged commands something to act on (a case, a warning, items)."""
    admin, mod = w.demo.admin, w.mod
    assert "Case #1" in (await slash(w, mod, "warn", {"member": w.demo.members["carol"],
                                                      "reason": "seed"})).content
    assert "Created" in (await slash(w, admin, "customcmd create",
                                     {"name": "seeded", "response": "x"})).content
    await slash(w, admin, "shop add", {"name": "seeded", "price": "5"})
    await slash(w, admin, "economy give", {"member": bob(w), "amount": "50"})


async def test_every_command_is_classified(hostile_world: HostileWorld) -> None:
    from tests.security.hostile import registered_commands

    names = {c.name for c in registered_commands(hostile_world.double, hostile_world.guild)}
    unknown = names - set(PRIVILEGED) - PUBLIC
    assert not unknown, f"classify these commands in the permission matrix: {sorted(unknown)}"
    assert not (set(PRIVILEGED) | PUBLIC) - names, "classified commands no longer exist"


async def test_plain_member_is_denied_every_privileged_command(
    hostile_world: HostileWorld
) -> None:
    w = hostile_world
    await seed(w)
    member = w.demo.member
    before = await snapshot(w, member)
    prefix = await w.bot.guild_configs.prefix(w.guild.id)
    for name, options in PRIVILEGED.items():
        reply = await slash(w, member, name, options(w))
        assert reply.ephemeral, (name, reply.content)
        assert reply.content.startswith(DENIALS), (name, reply.content)
    await assert_nothing_written(w, before, "denied commands")
    assert await w.bot.guild_configs.prefix(w.guild.id) == prefix
    assert bob(w).id in w.guild.members and not w.guild.bans
    assert bob(w).communication_disabled_until is None
    assert_no_mass_mentions(w.double, min_checked=len(PRIVILEGED))
    print(f"\n{len(PRIVILEGED)} privileged commands denied; {len(before)} tables unchanged")


@pytest.mark.parametrize("name, extra", [
    ("warn", {"reason": "x"}), ("kick", {}), ("ban", {}), ("tempban", {"duration": "1h"}),
    ("mute", {"duration": "1h"}), ("unmute", {}),
])
async def test_a_moderator_cannot_act_on_a_higher_role(
    hostile_world: HostileWorld, name: str, extra: dict[str, Any]
) -> None:
    w = hostile_world
    senior = w.double.create_role(w.guild, "Senior", permissions=P.DEFAULT_EVERYONE)
    boss = w.double.add_member(w.guild, "boss", roles=[senior])
    cached = w.bot.get_guild(w.guild.id)
    assert cached is not None
    await eventually(lambda: cached.get_member(boss.id) and cached.get_role(senior.id),
                     timeout=TIMEOUT, message="the bot never saw the senior member")
    before = await snapshot(w, w.mod)
    reply = await slash(w, w.mod, name, {"member": boss, **extra})
    assert reply.ephemeral and "highest role is equal to or above yours" in reply.content
    await assert_nothing_written(w, before, f"a refused {name}")
    assert boss.id in w.guild.members and boss.communication_disabled_until is None


async def test_the_bot_reports_the_permissions_it_lacks(hostile_world: HostileWorld) -> None:
    w = hostile_world
    w.double.set_bot_permissions(w.guild, P.DEFAULT_EVERYONE)
    cached = w.bot.get_guild(w.guild.id)
    assert cached is not None
    await eventually(lambda: not cached.me.guild_permissions.ban_members, timeout=TIMEOUT,
                     message="the bot never saw its permissions change")
    owner = w.guild.members[w.guild.owner_id]
    before = await snapshot(w, owner)
    expected = {
        "ban": ({"member": bob(w)}, "Ban Members"),
        "tempban": ({"member": bob(w), "duration": "1h"}, "Ban Members"),
        "kick": ({"member": bob(w)}, "Kick Members"),
        "mute": ({"member": bob(w), "duration": "1h"}, "Timeout Members"),
        "warn": ({"member": bob(w), "reason": "x"}, "Timeout Members"),
        "modconfig muterole": ({"role": w.mod_role}, "Manage Roles"),
    }
    for name, (options, permission) in expected.items():
        reply = await slash(w, owner, name, options)
        assert reply.ephemeral, (name, reply.content)
        assert "I need these permissions here" in reply.content, (name, reply.content)
        assert permission in reply.content, (name, reply.content)
    await assert_nothing_written(w, before, "commands the bot lacks permissions for")
    assert bob(w).id in w.guild.members and not w.guild.bans
