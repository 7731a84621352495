"""Core data written by the running bot: guild_config on join, purge on removal, users."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.bot.guildhall_bot import GuildhallBot
from core.db.models import GuildConfig, GuildMember, User
from core.testing.bot_fixtures import channel_reply, eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.economy.models import Transaction
from plugins.moderation.models import ModAction, Warning


async def seed_guild_rows(guild_id: int, user_id: int) -> None:
    """Rows of core and plugins that belong to ``guild_id``."""
    await User.get_or_create(user_id=user_id, defaults={"username": "alice"})
    await GuildMember.create(user_id=user_id, guild_id=guild_id, coins=5)
    await Warning.create(user_id=user_id, guild_id=guild_id, moderator_id=1, reason="spam")
    await Transaction.create(
        user_id=user_id, guild_id=guild_id, amount=5, transaction_type="daily"
    )
    await ModAction.create(
        guild_id=guild_id, moderator_id=1, target_id=user_id, action_type="warn", reason="spam"
    )


async def test_join_creates_config_and_removal_purges_but_keeps_audit(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    guild = double.create_guild("Late Guild", with_bot=False)
    double.add_member(guild, demo.member.user)
    await double.add_bot_to_guild(guild)
    row = await eventually(
        lambda: GuildConfig.get_or_none(guild_id=guild.id), message="no guild_config row"
    )
    assert row.prefix == "!"

    await seed_guild_rows(guild.id, demo.member.id)
    await seed_guild_rows(demo.annex.id, demo.member.id)  # another guild: must stay
    await double.remove_bot_from_guild(guild)

    async def purged() -> bool:
        return not await GuildConfig.exists(guild_id=guild.id)

    await eventually(purged, message="guild_config row not purged")
    for model in (GuildMember, Warning, Transaction):
        assert await model.filter(guild_id=guild.id).count() == 0, model.__name__
        assert await model.filter(guild_id=demo.annex.id).count() == 1, model.__name__
    assert await ModAction.filter(guild_id=guild.id).count() == 1  # the audit log is kept
    assert await User.exists(user_id=demo.member.id)  # users are global, not guild data


async def test_member_message_records_user_after_flush(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    carol = demo.person("carol")
    before = datetime.now(UTC) - timedelta(seconds=1)
    assert not await User.exists(user_id=carol.id)
    await double.send_message(demo.general, carol, "hello, is anyone here?")
    await eventually(lambda: len(guildhall_bot.user_activity) > 0, message="not recorded")
    assert not await User.exists(user_id=carol.id)  # buffered, not written per message

    await guildhall_bot.flush()
    user = await User.get(user_id=carol.id)
    assert user.username == "carol"
    assert before <= user.last_seen <= datetime.now(UTC) + timedelta(seconds=1)


async def test_commands_record_invoker_too(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    handle = await double.invoke_slash(demo.guild, demo.general, demo.person("bob"), "ping")
    await handle.wait_response()
    await double.send_message(demo.general, demo.admin, "!ping")
    await channel_reply(double, demo.general)
    await guildhall_bot.flush()
    names = set(await User.filter(user_id__in=[demo.admin.id, demo.person("bob").id])
                .values_list("username", flat=True))
    assert names == {"admin", "bob"}
