"""The purge grace period through the double: leave, come back (data kept), leave, purge."""

from __future__ import annotations

from datetime import timedelta

from core.db.models import GuildConfig, GuildDeparture
from core.maintenance.engine import MaintenanceEngine
from core.runtime.assembly import Runtime
from core.services.guild_purge import GuildDepartures
from core.testing.bot_fixtures import StartBot, eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.economy.models import Transaction
from plugins.moderation.models import ModAction
from tests.core.services.privacy_support import KEPT_ON_PURGE, guild_counts, seed_guild

TIMEOUT = 20.0


async def test_data_waits_out_the_grace_and_survives_a_return(
    guildhall_db: Runtime, guildhall_demo: DemoWorld, guildhall_start_bot: StartBot,
    guildhall_double: DiscordDouble,
) -> None:
    double, demo, annex = guildhall_double, guildhall_demo, guildhall_demo.annex
    guildhall_db.settings.privacy.guild_purge_grace_hours = 2
    await guildhall_start_bot()
    await seed_guild(annex.id, demo.member.id, demo.admin.id)
    await seed_guild(demo.guild.id, demo.member.id, demo.admin.id)
    await GuildDeparture.all().delete()

    await double.remove_bot_from_guild(annex)
    departure = await eventually(lambda: GuildDeparture.get_or_none(guild_id=annex.id),
                                 timeout=TIMEOUT, message="no departure recorded")
    assert departure.purge_after - departure.left_at == timedelta(hours=2)
    assert await Transaction.filter(guild_id=annex.id).exists()  # nothing purged yet

    await double.add_bot_to_guild(annex)
    await eventually(lambda: _gone(annex.id), timeout=TIMEOUT,
                     message="the departure was not cancelled on return")
    assert await all_rows_kept(annex.id)

    await double.remove_bot_from_guild(annex)
    departure = await eventually(lambda: GuildDeparture.get_or_none(guild_id=annex.id),
                                 timeout=TIMEOUT, message="no departure recorded")
    engine = MaintenanceEngine(guildhall_db.settings, guildhall_db.plugins)
    [report] = await engine.run_jobs(["core.purge_departed_guilds"],
                                     now=departure.purge_after + timedelta(minutes=1))
    assert report.ok, report
    left = {table for table, n in (await guild_counts(annex.id)).items() if n}
    assert left == KEPT_ON_PURGE
    assert await ModAction.filter(guild_id=annex.id).exists()
    assert not await GuildConfig.filter(guild_id=annex.id).exists()
    assert await all_rows_kept(demo.guild.id)  # the other guild is untouched


async def all_rows_kept(guild_id: int) -> bool:
    """Whether every guild table still has the guild's seeded rows (departure aside)."""
    counts = await guild_counts(guild_id)
    counts.pop("guild_departures")
    return all(counts.values())


async def _gone(guild_id: int) -> bool:
    return not await GuildDeparture.exists(guild_id=guild_id)


async def test_a_guild_back_at_start_up_cancels_its_purge(
    guildhall_db: Runtime, guildhall_demo: DemoWorld, guildhall_start_bot: StartBot,
) -> None:
    # the bot was re-added while no process of the guild's shard was running
    guildhall_db.settings.privacy.guild_purge_grace_hours = 2
    demo = guildhall_demo
    await GuildDepartures(2).left(demo.annex.id)
    await GuildDepartures(2).left(424242)  # a guild the bot is really gone from
    await guildhall_start_bot()
    await eventually(lambda: _gone(demo.annex.id), timeout=TIMEOUT,
                     message="the departure of a guild seen at start-up was kept")
    assert await GuildDeparture.exists(guild_id=424242)
