"""Guild purge: every guild-scoped table emptied; the grace period's maintenance job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.db.models import GuildDeparture, GuildMember
from core.maintenance.engine import MaintenanceEngine
from core.maintenance.schedule import is_due, next_window_start, window_start
from core.plugins.contracts import Schedule
from core.plugins.hookspecs import hookimpl
from core.services.guild_config import GuildConfigService
from core.services.guild_purge import GuildDepartures, purge_guild
from tests.core.services.privacy_support import (
    KEPT_ON_PURGE,
    guild_counts,
    guild_tables,
    seed_guild,
)

JOB = "core.purge_departed_guilds"
GUILD, OTHER_GUILD, USER, MOD = 500, 600, 7, 8


async def test_purge_empties_every_guild_table_but_the_moderation_log(guildhall_db) -> None:
    seeded = await seed_guild(GUILD, USER, MOD)
    await seed_guild(OTHER_GUILD, USER, MOD)
    unseeded = set(guild_tables()) - seeded
    assert not unseeded, (
        f"add rows for {sorted(unseeded)} to tests/core/services/privacy_support.py"
    )
    before = await guild_counts(GUILD)
    assert all(before.values()), before

    deleted = await purge_guild(guildhall_db.plugins, GuildConfigService(), GUILD)

    left = {table: n for table, n in (await guild_counts(GUILD)).items() if n}
    assert set(left) == KEPT_ON_PURGE, left
    assert deleted >= len(seeded) - len(KEPT_ON_PURGE) - 1  # the departure row is not counted
    assert all((await guild_counts(OTHER_GUILD)).values())  # another guild is untouched


async def test_departed_guilds_are_purged_hourly_once_the_grace_has_passed(guildhall_db) -> None:
    now = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)
    departures = GuildDepartures(grace_hours=2)
    await seed_guild(GUILD, USER, MOD)
    await seed_guild(OTHER_GUILD, USER, MOD)
    await GuildDeparture.all().delete()
    await departures.left(GUILD, now)
    await departures.left(OTHER_GUILD, now + timedelta(hours=1))
    engine = MaintenanceEngine(guildhall_db.settings, guildhall_db.plugins)

    assert JOB in {job.name for job in engine.jobs()}
    [early] = await engine.run_jobs([JOB], now=now + timedelta(hours=1, minutes=59))
    assert early.ok and early.rows == 0 and "0 departed" in early.detail
    [dry] = await engine.run_jobs([JOB], now=now + timedelta(hours=2), dry_run=True)
    assert dry.rows == 1 and await GuildMember.filter(guild_id=GUILD).count() == 1

    [report] = await engine.run_jobs([JOB], now=now + timedelta(hours=2))
    assert report.ok and report.detail == "1 departed guild(s) purged", report
    left = {table for table, n in (await guild_counts(GUILD)).items() if n}
    assert left == KEPT_ON_PURGE
    assert await GuildMember.filter(guild_id=OTHER_GUILD).count() == 1  # still in its grace
    assert await GuildDeparture.filter(guild_id=OTHER_GUILD).exists()


async def test_a_returning_guild_keeps_its_data(guildhall_db) -> None:
    now = datetime.now(UTC)
    await seed_guild(GUILD, USER, MOD)
    await GuildDeparture.all().delete()
    await GuildDepartures(grace_hours=1).left(GUILD, now)
    # a new process sees the guild at start-up (GUILD_CREATE while it was away)
    restarted = GuildDepartures(grace_hours=1)
    assert not await restarted.returned(OTHER_GUILD, joined=False)
    assert await restarted.returned(GUILD, joined=False)
    assert not await restarted.returned(GUILD, joined=True)
    engine = MaintenanceEngine(guildhall_db.settings, guildhall_db.plugins)
    [report] = await engine.run_jobs([JOB], now=now + timedelta(days=1))
    assert report.ok and report.rows == 0
    assert await GuildMember.filter(guild_id=GUILD).count() == 1


class BrokenPurge:
    """A plugin whose guild purge fails."""

    @hookimpl
    async def guildhall_guild_purge(self, guild_id: int) -> int:
        raise RuntimeError("disk on fire")


async def test_a_failing_plugin_rolls_the_guild_back_for_a_retry(guildhall_db) -> None:
    now = datetime.now(UTC)
    await seed_guild(GUILD, USER, MOD)
    await GuildDeparture.all().delete()
    await GuildDepartures(grace_hours=1).left(GUILD, now)
    guildhall_db.plugins.register("broken", BrokenPurge())
    engine = MaintenanceEngine(guildhall_db.settings, guildhall_db.plugins)

    [report] = await engine.run_jobs([JOB], now=now + timedelta(hours=2))

    assert not report.ok and "broken" in report.detail
    assert await GuildDeparture.filter(guild_id=GUILD).exists()  # retried next hour
    assert all((await guild_counts(GUILD)).values())  # nothing half-deleted


def test_hourly_windows() -> None:
    settings = MaintenanceSettingsStub()
    at = datetime(2026, 11, 25, 10, 42, tzinfo=UTC)
    assert window_start(at, Schedule.HOURLY, settings) == at.replace(minute=0)
    assert next_window_start(at, Schedule.HOURLY, settings) == at.replace(hour=11, minute=0)
    ran = at.replace(minute=5)
    assert not is_due(at, Schedule.HOURLY, settings, ran, ran)
    assert is_due(at + timedelta(minutes=20), Schedule.HOURLY, settings, ran, ran)


class MaintenanceSettingsStub:
    """The ``[maintenance]`` values window computations read."""

    daily_hour_utc = 4
    weekly_day = "sunday"


async def test_an_immediate_purge_that_failed_is_retried_by_the_job(guildhall_db) -> None:
    await seed_guild(GUILD, USER, MOD)
    await GuildDeparture.all().delete()
    guildhall_db.plugins.register("broken", BrokenPurge())
    await purge_guild(guildhall_db.plugins, GuildConfigService(), GUILD)  # on GUILD_DELETE
    assert await GuildMember.filter(guild_id=GUILD).count() == 0  # the rest went at once
    retry = await GuildDeparture.get(guild_id=GUILD)

    guildhall_db.plugins.pm.unregister(name="broken")  # the plugin is fixed
    engine = MaintenanceEngine(guildhall_db.settings, guildhall_db.plugins)
    [report] = await engine.run_jobs([JOB], now=retry.purge_after + timedelta(seconds=1))
    assert report.ok and report.detail == "1 departed guild(s) purged"
    assert not await GuildDeparture.filter(guild_id=GUILD).exists()
