"""Prefix twins exist exactly for the commands plugins ask for, and only with the message
content intent; their parsing follows the slash command's schema."""

from __future__ import annotations

from typing import Any

import disnake

from core.bot.guildhall_bot import GuildhallBot
from core.bot.prefix_twins import next_word, usage

EVERYDAY = {"rank", "leaderboard", "balance", "daily", "work", "transfer", "remind", "warn",
            "mute", "kick", "ban", "case", "modlog"}


def bot_with_intent(guildhall_db: Any, granted: bool) -> GuildhallBot:
    settings = guildhall_db.settings.model_copy(deep=True)
    settings.discord.message_content_intent = granted
    previous = disnake.http.Route.BASE
    try:
        return GuildhallBot(settings, guildhall_db.plugins)
    finally:
        disnake.http.Route.BASE = previous


async def test_twins_share_the_slash_commands_cog(guildhall_db: Any) -> None:
    bot = bot_with_intent(guildhall_db, True)
    for name in EVERYDAY:
        twin, slash = bot.get_command(name), bot.get_slash_command(name)
        assert twin is not None and slash is not None, name
        assert twin.cog is slash.cog, name  # the plugin gate applies to both
    assert bot.get_command("help") is not None
    ban = bot.get_slash_command("ban")
    assert isinstance(ban, disnake.ext.commands.InvokableSlashCommand)
    assert usage("!", ban) == "!ban <member> [reason] [delete_messages]"


async def test_no_prefix_commands_without_the_message_content_intent(
    guildhall_db: Any,
) -> None:
    bot = bot_with_intent(guildhall_db, False)
    assert not bot.intents.message_content
    assert [name for name in (*EVERYDAY, "help") if bot.get_command(name)] == []
    assert bot.get_slash_command("help") is not None  # /help stays


def test_words_and_quotes() -> None:
    assert next_word('"two words" rest of it') == ("two words", "rest of it")
    assert next_word("  one   two") == ("one", "two")
    assert next_word('"unclosed quote') == ('"unclosed', "quote")
