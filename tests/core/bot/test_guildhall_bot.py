"""GuildhallBot wiring that needs no gateway: mentions, API base, purge, error messages."""

from __future__ import annotations

import disnake
from disnake.ext import commands

from core.bot.errors import GENERIC_FAILURE, user_message
from core.bot.guildhall_bot import GuildhallBot
from core.db.models import GuildConfig, GuildMember, User
from plugins.economy.models import Transaction
from plugins.moderation.models import ModAction, Warning


async def test_defaults_mention_nobody_and_use_configured_api(guildhall_db) -> None:
    settings = guildhall_db.settings.model_copy(deep=True)
    settings.discord.api_base = "http://127.0.0.1:9/api/v10"
    previous = disnake.http.Route.BASE
    try:
        bot = GuildhallBot(settings, guildhall_db.plugins)
        assert disnake.http.Route.BASE == "http://127.0.0.1:9/api/v10"
        mentions = bot.allowed_mentions
        assert mentions is not None
        assert mentions.to_dict() == {"parse": []}
        assert not (mentions.everyone or mentions.roles or mentions.users)
        assert bot.intents.message_content and bot.intents.members
    finally:
        disnake.http.Route.BASE = previous


async def test_purge_guild_fans_out_and_keeps_the_mod_log(guildhall_db) -> None:
    bot = GuildhallBot(guildhall_db.settings, guildhall_db.plugins)
    await User.create(user_id=1, username="a")
    for guild in (100, 200):
        await bot.guild_configs.get(guild)
        await GuildMember.create(user_id=1, guild_id=guild)
        await Warning.create(user_id=1, guild_id=guild, moderator_id=2)
        await ModAction.create(guild_id=guild, moderator_id=2, target_id=1, action_type="warn")
        await Transaction.create(user_id=1, guild_id=guild, amount=5, transaction_type="daily")
    deleted = await bot.purge_guild(100)
    # settings, member, warning, transaction, and the member's two rank-count rows
    assert deleted == 6
    assert await GuildConfig.filter(guild_id=100).count() == 0
    assert await GuildMember.filter(guild_id=100).count() == 0
    assert await Warning.filter(guild_id=100).count() == 0
    assert await Transaction.filter(guild_id=100).count() == 0
    assert await ModAction.filter(guild_id=100).count() == 1
    assert await GuildMember.filter(guild_id=200).count() == 1
    assert await User.filter(user_id=1).count() == 1


def test_expected_errors_get_specific_messages() -> None:
    assert user_message(commands.MissingPermissions(["ban_members"])) == (
        "You need these permissions: Ban Members.")
    assert "try again in 3 s" in user_message(
        commands.CommandOnCooldown(commands.Cooldown(1, 5), 3.0, commands.BucketType.user))
    assert user_message(commands.NoPrivateMessage()) == "This command only works in a server."
    assert user_message(RuntimeError("bug")) is None
    assert "{ref}" in GENERIC_FAILURE


async def test_user_export_and_delete_fan_out(guildhall_db) -> None:
    await Warning.create(user_id=7, guild_id=1, moderator_id=2, reason="spam")
    await ModAction.create(guild_id=1, moderator_id=2, target_id=7, action_type="warn")
    await Transaction.create(user_id=7, guild_id=1, amount=5, transaction_type="daily")
    exported = dict(await guildhall_db.plugins.acall("guildhall_user_export", user_id=7))
    assert [row["reason"] for row in exported["moderation"]["warnings"]] == ["spam"]
    assert len(exported["moderation"]["mod_actions"]) == 1
    assert exported["economy"]["transactions"][0]["amount"] == 5
    await guildhall_db.plugins.acall("guildhall_user_delete", user_id=7)
    assert await Transaction.filter(user_id=7).count() == 0
    assert await ModAction.filter(target_id=7).count() == 1  # the audit log is kept
    assert await Warning.filter(user_id=7).count() == 1  # and the warnings until they expire
