"""``/modconfig logchannel`` and ``/modconfig muterole`` (Manage Server)."""

from __future__ import annotations

from core.testing.bot_fixtures import assert_no_mass_mentions, channel_reply
from tests.e2e.plugins.moderation_support import TIMEOUT, ModWorld, mod_world

__all__ = ["mod_world"]


async def test_log_channel_is_set_used_and_cleared(mod_world: ModWorld) -> None:
    w = mod_world
    log = w.double.create_channel(w.guild, "mod-log")
    reply = await w.slash(w.demo.admin, "modconfig logchannel", {"channel": log})
    assert reply.content == f"Moderation cases are now posted <#{log.id}>."
    assert (await w.bot.guild_configs.get(w.guild.id)).log_channel_id == log.id
    await w.slash(w.mod, "warn", {"member": w.demo.members["bob"], "reason": "x"})
    posted = await channel_reply(w.double, log, timeout=TIMEOUT)
    assert posted.content.startswith("Case #1 · Warning of")
    cleared = await w.slash(w.demo.admin, "modconfig logchannel")
    assert cleared.content == "Moderation cases are now posted nowhere (off)."
    assert (await w.bot.guild_configs.get(w.guild.id)).log_channel_id is None
    other = await w.slash(w.demo.admin, "modconfig logchannel",
                          {"channel": w.demo.annex_general})
    assert other.ephemeral
    assert (await w.bot.guild_configs.get(w.guild.id)).log_channel_id is None
    assert_no_mass_mentions(w.double)


async def test_mute_role_is_checked_against_the_bots_role(mod_world: ModWorld) -> None:
    w = mod_world
    muted = w.double.create_role(w.guild, "Muted", position=2)
    owner = w.guild.members[w.guild.owner_id]  # Manage Server alone may not pick roles
    reply = await w.slash(owner, "modconfig muterole", {"role": muted})
    assert reply.content == "Mutes now use the role **Muted**."
    assert (await w.bot.guild_configs.get(w.guild.id)).mute_role_id == muted.id
    bot_role = w.guild.bot_role
    assert bot_role is not None
    refused = await w.slash(owner, "modconfig muterole", {"role": bot_role})
    assert refused.ephemeral and "normal role" in refused.content
    foreign = await w.slash(owner, "modconfig muterole",
                            {"role": w.demo.annex.everyone_role})
    assert foreign.ephemeral and "normal role of this server" in foreign.content
    assert (await w.bot.guild_configs.get(w.guild.id)).mute_role_id == muted.id
    cleared = await w.slash(w.demo.admin, "modconfig muterole")
    assert cleared.content == "Mutes now use Discord timeouts (up to 28 days)."
    assert (await w.bot.guild_configs.get(w.guild.id)).mute_role_id is None
