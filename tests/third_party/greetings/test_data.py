"""The plugin's data hooks: guild purge through the bot, user export and deletion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.bot.guildhall_bot import GuildhallBot
from core.runtime.assembly import Runtime
from core.services.privacy import delete_user, export_user
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from tests.third_party.greetings.conftest import TIMEOUT

LATER = datetime.now(UTC) + timedelta(days=1)


async def seed(guild_id: int, channel_id: int, admin_id: int) -> None:
    """A welcome and a pending scheduled greeting in ``guild_id``."""
    from guildhall_greetings.models import Greeting, ScheduledGreeting

    await Greeting.create(guild_id=guild_id, channel_id=channel_id, template="Hi {member}",
                          set_by=admin_id)
    await ScheduledGreeting.create(guild_id=guild_id, channel_id=channel_id,
                                   user_id=admin_id, text="soon", send_at=LATER)


async def test_removing_the_bot_purges_that_guilds_greetings_only(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    from guildhall_greetings.models import Greeting, ScheduledGreeting

    demo = guildhall_demo
    await seed(demo.guild.id, demo.general.id, demo.admin.id)
    await seed(demo.annex.id, demo.annex_general.id, demo.admin.id)
    await guildhall_double.remove_bot_from_guild(demo.annex)

    async def purged() -> bool:
        return not await ScheduledGreeting.exists(guild_id=demo.annex.id)

    await eventually(purged, timeout=TIMEOUT, message="the annex's greetings were not purged")
    assert not await Greeting.exists(guild_id=demo.annex.id)
    for model in (Greeting, ScheduledGreeting):
        assert await model.filter(guild_id=demo.guild.id).count() == 1, model.__name__


async def test_export_lists_the_users_rows_and_delete_keeps_the_guilds_welcome(
    guildhall_db: Runtime,
) -> None:
    from guildhall_greetings.models import Greeting, ScheduledGreeting

    admin, other = 501, 502
    await seed(1, 10, admin)
    await seed(2, 20, other)
    exported = (await export_user(guildhall_db.plugins, admin))["plugins"]["greetings"]
    assert [row["guild_id"] for row in exported["greeting_timers"]] == [1]
    assert [row["template"] for row in exported["greetings.set_by"]] == ["Hi {member}"]

    report = await delete_user(guildhall_db.plugins, admin)
    assert report.complete and report.rows["greetings"] == 2
    assert await Greeting.filter(guild_id=1).values_list("set_by", flat=True) == [0]
    assert not await ScheduledGreeting.exists(user_id=admin)
    assert await ScheduledGreeting.filter(user_id=other).count() == 1  # others untouched
    assert await Greeting.filter(set_by=other).count() == 1
    again = await delete_user(guildhall_db.plugins, admin)
    assert again.rows["greetings"] == 0
