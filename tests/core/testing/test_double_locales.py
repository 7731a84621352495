"""The double's locales: a user's client language and a guild's preferred locale reach a
real disnake client in interactions and guild updates."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import disnake
from disnake.ext import commands

from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble, RunningClient, bot_intents

StartBot = Callable[..., Awaitable[RunningClient]]


async def test_interactions_carry_the_user_and_guild_locales(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    guild = double.create_guild("g", preferred_locale="fr")
    alice = double.add_member(guild, double.create_user("alice", locale="de"))
    seen: list[tuple[str, str | None]] = []
    bot = commands.InteractionBot(intents=bot_intents(), guild_ready_timeout=0.1)

    @bot.slash_command(name="where", description="Locales")
    async def where(inter: disnake.ApplicationCommandInteraction) -> None:
        seen.append((str(inter.locale), str(inter.guild_locale)))
        await inter.response.send_message("ok")

    running = await start_bot(bot, double)
    channel = guild.text_channels[0]
    assert running.client.get_guild(guild.id).preferred_locale == disnake.Locale.fr
    handle = await double.invoke_slash(guild, channel, alice, "where")
    await handle.wait_response(timeout=5)
    assert handle.payload["locale"] == "de" and handle.payload["guild_locale"] == "fr"

    double.set_user_locale(alice.user, "pt-BR")
    double.set_guild_locale(guild, "es-ES")  # a GUILD_UPDATE
    await eventually(
        lambda: running.client.get_guild(guild.id).preferred_locale == disnake.Locale.es_ES,
        timeout=10, message="the guild update did not reach the client",
    )
    handle = await double.invoke_slash(guild, channel, alice, "where")
    await handle.wait_response(timeout=5)
    assert seen == [("de", "fr"), ("pt-BR", "es-ES")]
