"""Posts read by many, not a reply to one person, speak the guild's preferred language
(``guild_locale``) whatever the language of the member who caused them: case posts in the
log channel, level-up announcements, reminder deliveries. The bot owner's ``/stats bot``
answers in the owner's language."""

from __future__ import annotations

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import StartBot, assert_no_mass_mentions, eventually
from core.testing.double import DiscordDouble
from core.testing.double.state import Message
from core.testing.sandbox.world import DemoWorld, add_moderator
from tests.e2e.plugins.leveling_support import TIMEOUT, manual_flushes, slash, talk_and_wait
from tests.e2e.plugins.reminders_support import leading


async def german_guild(bot: GuildhallBot, double: DiscordDouble, demo: DemoWorld) -> None:
    """Make the demo guild's preferred locale German and wait until the bot knows."""
    double.set_guild_locale(demo.guild, "de")
    await eventually(lambda: str(bot.get_guild(demo.guild.id).preferred_locale) == "de",
                     timeout=TIMEOUT, message="the guild's new locale did not reach the bot")


async def posted(double: DiscordDouble, channel: object, start: str) -> Message:
    """The next message the bot posts in ``channel`` itself that starts with ``start``."""
    return await double.wait_for_message(
        channel,  # type: ignore[arg-type]
        check=lambda m: m.interaction is None and m.content.startswith(start), timeout=TIMEOUT)


async def test_case_posts_level_ups_and_reminders_speak_the_guilds_language(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo, bot = guildhall_double, guildhall_demo, manual_flushes(guildhall_bot)
    admin, member = demo.admin, demo.member
    await german_guild(bot, double, demo)
    double.set_user_locale(admin.user, "en-US")  # the members' own clients stay English
    double.set_user_locale(member.user, "fr")
    mod = add_moderator(double, demo)
    log = double.create_channel(demo.guild, "mod-log")
    cached = bot.get_guild(demo.guild.id)
    # the member cache is off by design under profile = "large" (core/bot/profile.py):
    # there moderation fetches the moderator when it needs them
    members_cached = bot.settings.bot.profile == "default"
    await eventually(
        lambda: cached.get_channel(log.id) and (not members_cached or cached.get_member(mod.id)),
        timeout=TIMEOUT, message="the bot never saw the log channel and the moderator")
    await bot.guild_configs.update(demo.guild.id, log_channel_id=log.id)

    warned = await slash(double, demo.guild, demo.general, mod, "warn",
                         {"member": member, "reason": "spam {0.__class__}"})
    assert warned.content.startswith("Case #")  # the reply: its reader's language
    case = await posted(double, log, "Fall #")
    assert case.content.endswith(
        f" · Verwarnung von <@{member.id}> durch <@{mod.id}>: spam {{0.__class__}}")

    await slash(double, demo.guild, demo.general, admin, "xp set",
                {"member": member, "amount": 150})
    await talk_and_wait(double, bot, demo.general, member)
    await bot.flush()
    level_up = await posted(double, demo.general, "GG ")
    assert level_up.content == f"GG <@{member.id}>, du hast **Level 2** erreicht!"

    await leading(bot)
    reminder = await slash(double, demo.guild, demo.general, member, "remind",
                           {"when": "2s", "text": "Tee"})
    assert reminder.content.startswith("Rappel `#")  # French: the member's own answer
    delivered = await posted(double, demo.general, f"<@{member.id}> Erinnerung: Tee")
    assert "Hier gesetzt: https://discord.com/channels/" in delivered.content
    assert_no_mass_mentions(double)


async def test_the_owners_bot_report_speaks_their_language(
    guildhall_demo: DemoWorld, guildhall_start_bot: StartBot, guildhall_double: DiscordDouble
) -> None:
    double, demo = guildhall_double, guildhall_demo
    await guildhall_start_bot(owner_ids={demo.admin.id})
    double.set_user_locale(demo.admin.user, "de")
    report = await slash(double, demo.guild, demo.general, demo.admin, "stats bot")
    lines = report.content.splitlines()
    assert report.ephemeral and lines[0].startswith("**Laufzeit** 0 h 00 min ")
    assert lines[0].endswith(" s, **Server** 2, **Shards** 2")
    assert lines[1].startswith("Shard 0: ") and lines[2].startswith("Shard 1: ")
    assert lines[1].endswith((" ms", "nicht gemessen"))
    assert lines[3].startswith("**Ereignisse** ") and lines[3].endswith("/s)")
    assert any(line.startswith("`GUILD_CREATE`: 2 (") for line in lines[4:])

    double.set_user_locale(demo.admin.user, "pt-BR")
    report = await slash(double, demo.guild, demo.general, demo.admin, "stats bot")
    assert report.content.startswith("**Tempo ativo** 0 h ")
    assert "\n**Eventos** " in report.content
