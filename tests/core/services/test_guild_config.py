"""GuildConfigService against the real database: defaults, cache, invalidation, purge."""

from __future__ import annotations

import asyncio

import pytest

from core.db.models import GuildConfig, GuildMember, GuildXpBucket, User
from core.services.guild_config import GuildConfigService
from tests.helpers import execute


async def test_row_created_with_defaults_on_first_read(guildhall_db) -> None:
    service = GuildConfigService(default_prefix="?")
    config = await service.get(5)
    assert (config.prefix, config.xp_enabled) == ("?", True)
    assert await GuildConfig.filter(guild_id=5).count() == 1
    assert await service.prefix(5) == "?"
    assert await service.prefix(None) == "?"


async def test_cache_serves_reads_and_update_invalidates(guildhall_db) -> None:
    service = GuildConfigService()
    assert await service.prefix(7) == "!"
    # A write behind the service's back is not seen until invalidated: proves the cache.
    await execute("UPDATE guild_config SET prefix = '$' WHERE guild_id = 7")
    assert await service.prefix(7) == "!"
    service.invalidate(7)
    assert await service.prefix(7) == "$"
    await service.update(7, prefix="%%", xp_enabled=False)
    assert await service.prefix(7) == "%%"
    stored = await GuildConfig.get(guild_id=7)
    assert (stored.prefix, stored.xp_enabled) == ("%%", False)


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"prefix": ""}, "1-16 characters"), ({"prefix": "a b"}, "without spaces"),
     ({"prefix": "x" * 17}, "1-16"), ({"created_at": 3}, "not a guild setting")],
)
async def test_bad_update_changes_nothing(guildhall_db, changes, message) -> None:
    service = GuildConfigService()
    await service.get(8)
    with pytest.raises(ValueError, match=message):
        await service.update(8, **changes)
    assert (await GuildConfig.get(guild_id=8)).prefix == "!"


async def test_cache_is_bounded(guildhall_db) -> None:
    service = GuildConfigService(cache_size=3)
    for guild in range(10):
        await service.get(guild)
    assert len(service._cache) == 3


async def test_purge_removes_only_that_guild(guildhall_db) -> None:
    service = GuildConfigService()
    await User.create(user_id=1, username="a")
    for guild in (10, 11):
        await service.get(guild)
        await GuildMember.create(user_id=1, guild_id=guild)
    # its settings, its member, and that member's two rank-count rows (fine and coarse)
    assert await service.purge(10) == 4
    assert await GuildConfig.filter(guild_id=10).count() == 0
    assert await GuildXpBucket.filter(guild_id=10).count() == 0
    assert await GuildMember.filter(guild_id=11).count() == 1
    assert await GuildXpBucket.filter(guild_id=11).count() == 2
    assert await GuildConfig.filter(guild_id=11).count() == 1


async def test_cached_entry_expires_so_other_workers_changes_are_seen(guildhall_db) -> None:
    """The TTL is the safety net for a lost bus message: a raw change shows after it."""
    service = GuildConfigService(cache_ttl=0.3)
    assert await service.prefix(12) == "!"
    await execute("UPDATE guild_config SET prefix = '>' WHERE guild_id = 12")
    assert await service.prefix(12) == "!"
    await asyncio.sleep(0.35)
    assert await service.prefix(12) == ">"
