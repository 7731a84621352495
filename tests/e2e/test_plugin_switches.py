"""Per-guild plugin switches through the double: /plugins, and a switched-off plugin's
commands (slash and prefix), listeners and message hooks doing nothing in that guild only."""

from __future__ import annotations

import disnake
import pytest
from disnake.ext import commands

from core.bot.guildhall_bot import GuildhallBot
from core.db.models import GuildPluginSwitch, SettingsAudit
from core.plugins.gate import guard_cog
from core.services import audit, plugin_switches
from core.testing.bot_fixtures import (
    StartBot,
    assert_no_mass_mentions,
    channel_reply,
    eventually,
)
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from tests.e2e.plugins.leveling_support import (
    TIMEOUT,
    leveling,
    manual_flushes,
    settle,
    slash,
    talk_and_wait,
)

DISABLED = "The leveling plugin is disabled in this server."


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    plugin_switches.clear_cache()


async def test_leveling_switched_off_in_one_guild_only_and_back_on(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo, bot = guildhall_double, guildhall_demo, manual_flushes(guildhall_bot)
    cog = leveling(bot)
    alice = demo.member
    annex_alice = demo.annex.members[alice.id]
    reply = await slash(double, demo.guild, demo.general, demo.admin, "plugins disable",
                        {"plugin": "leveling"})
    assert reply.content == "The **leveling** plugin is now disabled in this server."
    await double.send_message(demo.general, alice, "no xp here")
    assert await talk_and_wait(double, bot, demo.annex_general, annex_alice) > 0  # B earns
    await settle()
    assert cog.buffer.pending(alice.id, demo.guild.id) == 0  # A earned nothing
    rank = await slash(double, demo.guild, demo.general, alice, "rank")
    assert (rank.content, rank.ephemeral) == (DISABLED, True)
    other = await slash(double, demo.annex, demo.annex_general, annex_alice, "rank")
    assert "**alice** is level" in other.content
    listing = await slash(double, demo.guild, demo.general, alice, "plugins list")
    assert "- **leveling**: off" in listing.content and "- **economy**: on" in listing.content
    again = await slash(double, demo.guild, demo.general, demo.admin, "plugins disable",
                        {"plugin": "Leveling "})
    assert again.content == "The **leveling** plugin was already disabled in this server."
    [change] = await audit.recent_changes(demo.guild.id)
    assert (change.actor_id, change.source, change.setting, audit.values(change)) == (
        demo.admin.id, "slash", "plugin:leveling", (True, False))
    choices = await double.invoke_autocomplete(
        demo.guild, demo.general, demo.admin, "plugins enable", "plugin", {"plugin": "le"})
    assert choices == [{"name": "leveling", "value": "leveling"}]
    choices = await double.invoke_autocomplete(
        demo.guild, demo.general, demo.admin, "plugins disable", "plugin", {"plugin": ""})
    assert "leveling" not in [c["name"] for c in choices] and len(choices) == 6
    back = await slash(double, demo.guild, demo.general, demo.admin, "plugins enable",
                       {"plugin": "leveling"})
    assert back.content == "The **leveling** plugin is now enabled in this server."
    assert await talk_and_wait(double, bot, demo.general, alice) > 0
    assert "is level" in (await slash(double, demo.guild, demo.general, alice, "rank")).content


REFUSALS = [
    ("alice", "leveling", "You need these permissions: Manage Server."),
    ("admin", "levelling", "That input was not valid: there is no plugin called 'levelling' "
                           "(plugins: analytics, customcmds, economy, leveling, moderation, "
                           "reminders, welcome)"),
    ("admin", "core", "That input was not valid: core is part of the bot and cannot be "
                      "disabled"),
    # markdown escaped, and no ping (the bot's allowed mentions are none)
    ("admin", "**@everyone**", "That input was not valid: there is no plugin called '\\*\\*@"),
]


async def test_refused_switches_write_nothing(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
) -> None:
    demo = guildhall_demo
    for who, plugin, answer in REFUSALS:
        reply = await slash(guildhall_double, demo.guild, demo.general, demo.person(who),
                            "plugins disable", {"plugin": plugin})
        assert reply.ephemeral and reply.content.startswith(answer), (plugin, reply.content)
    assert await GuildPluginSwitch.all().count() == 0
    assert await SettingsAudit.all().count() == 0
    assert await plugin_switches.is_enabled(demo.guild.id, "leveling")
    assert_no_mass_mentions(guildhall_double, min_checked=len(REFUSALS))


class Probe(commands.Cog):
    """A cog registered as the leveling plugin's: a prefix command and two listeners."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int | None]] = []

    @commands.command(name="probe")
    async def probe(self, ctx: commands.Context) -> None:
        """Answer, proving the command ran."""
        await ctx.send("probe ran")

    @commands.Cog.listener("on_message")
    async def saw_message(self, message: disnake.Message) -> None:
        """Record every message the listener was allowed to see."""
        if not message.author.bot:
            self.seen.append(("message", message.guild.id if message.guild else None))

    @commands.Cog.listener("on_member_join")
    async def saw_join(self, member: disnake.Member) -> None:
        """Record every join the listener was allowed to see."""
        self.seen.append(("join", member.guild.id))


async def test_every_command_and_listener_of_a_switched_off_plugin_is_gated(
    guildhall_demo: DemoWorld, guildhall_start_bot: StartBot, guildhall_double: DiscordDouble,
) -> None:
    double, demo, probe = guildhall_double, guildhall_demo, Probe()
    bot = await guildhall_start_bot(cogs=[lambda _bot: guard_cog(probe, "leveling")])
    await plugin_switches.set_enabled(demo.guild.id, "leveling", False, actor_id=1,
                                      source="web", known=bot.plugins.enabled)
    await double.send_message(demo.general, demo.member, "!probe")
    assert (await channel_reply(double, demo.general, timeout=TIMEOUT)).content == DISABLED
    await double.member_join(demo.guild, "newcomer")
    await double.send_message(demo.annex_general, demo.annex.members[demo.member.id], "!probe")
    reply = await channel_reply(double, demo.annex_general, timeout=TIMEOUT)
    assert reply.content == "probe ran"
    await double.member_join(demo.annex, "visitor")
    await double.send_dm(demo.member, "hello in private")
    await eventually(lambda: len(probe.seen) == 3, timeout=TIMEOUT,
                     message="the listeners outside the switched-off guild did not run")
    await settle()
    assert sorted(probe.seen, key=str) == sorted(
        [("message", demo.annex.id), ("join", demo.annex.id), ("message", None)], key=str)
