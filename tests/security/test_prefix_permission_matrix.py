"""Every privileged prefix command x a plain member: refused exactly as its slash twin,
nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.testing.bot_fixtures import assert_no_mass_mentions, channel_reply
from tests.security.hostile import TIMEOUT, HostileWorld, hostile_world
from tests.security.test_permission_matrix import (
    DENIALS,
    assert_nothing_written,
    bob,
    seed,
    snapshot,
)

__all__ = ["hostile_world"]

# Privileged prefix twin -> its arguments as an authorised member would type them.
PRIVILEGED: dict[str, Callable[[HostileWorld], str]] = {
    "ban": lambda w: f"<@{bob(w).id}> spam",
    "case": lambda w: "1",
    "kick": lambda w: f"<@{bob(w).id}>",
    "modlog": lambda w: "",
    "mute": lambda w: f"<@{bob(w).id}> 1h",
    "prefix": lambda w: "?",
    "warn": lambda w: f"<@{bob(w).id}> x",
}
PUBLIC = {"balance", "daily", "help", "leaderboard", "ping", "rank", "remind", "transfer",
          "work"}


async def test_every_prefix_twin_is_classified(hostile_world: HostileWorld) -> None:
    w = hostile_world
    names = {c.name for c in w.bot.commands}
    unknown = names - set(PRIVILEGED) - PUBLIC
    assert not unknown, f"classify these prefix commands: {sorted(unknown)}"
    assert not (set(PRIVILEGED) | PUBLIC) - names, "classified commands no longer exist"


async def test_plain_member_is_refused_every_privileged_prefix_twin(
    hostile_world: HostileWorld
) -> None:
    w = hostile_world
    await seed(w)
    member = w.demo.member
    # a prefix command is also a message, which earns XP in a normal channel: this check is
    # about what the refused command writes, so #general earns none here
    leveling = w.bot.get_cog("Leveling")
    assert leveling is not None
    await leveling.configs.exclude(w.guild.id, "channel", w.demo.general.id)
    before = await snapshot(w, member)
    prefix = await w.bot.guild_configs.prefix(w.guild.id)
    for name, arguments in PRIVILEGED.items():
        await w.double.send_message(w.demo.general, member, f"{prefix}{name} {arguments(w)}")
        reply = await channel_reply(w.double, w.demo.general, timeout=TIMEOUT)
        assert reply.content.startswith(DENIALS), (name, reply.content)
        slash_name, options = slash_twin(w, name)
        slash = await w.double.invoke_slash(w.guild, w.demo.general, member, slash_name,
                                            options, register_timeout=TIMEOUT)
        assert (await slash.wait_response(timeout=TIMEOUT)).content == reply.content, name
    await assert_nothing_written(w, before, "refused prefix commands")
    assert bob(w).id in w.guild.members and not w.guild.bans
    assert bob(w).communication_disabled_until is None
    assert await w.bot.guild_configs.prefix(w.guild.id) == prefix
    assert_no_mass_mentions(w.double, min_checked=2 * len(PRIVILEGED))


def slash_twin(w: HostileWorld, name: str) -> tuple[str, dict[str, Any]]:
    """The slash command and options doing what the prefix command was asked."""
    return {
        "ban": ("ban", {"member": bob(w), "reason": "spam"}), "case": ("case", {"number": 1}),
        "kick": ("kick", {"member": bob(w)}), "modlog": ("modlog", {}),
        "mute": ("mute", {"member": bob(w), "duration": "1h"}),
        "prefix": ("prefix set", {"prefix": "?"}),
        "warn": ("warn", {"member": bob(w), "reason": "x"}),
    }[name]
