"""Warming the settings caches of a shard's guilds in bulk (core and leveling)."""

from __future__ import annotations

import asyncio

from core.models import GuildConfig
from core.services.guild_config import GuildConfigService
from plugins.leveling.models import LevelExclusion, LevelSettings
from plugins.leveling.service import GuildLevelConfigs
from plugins.leveling.settings import LevelingSettings
from tests.bench.common import StatementCounter


async def test_guild_configs_warm_in_one_pass_and_create_missing_rows(guildhall_db) -> None:
    await GuildConfig.create(guild_id=1, prefix="?")
    service = GuildConfigService(default_prefix="!")
    with StatementCounter().active() as counter:
        assert await service.warm(range(1, 1201)) == 1200
    assert counter.total <= 9  # 3 chunks of 500: one read, one insert, one re-read each
    assert service.peek(1).prefix == "?" and service.peek(1200).prefix == "!"
    assert await GuildConfig.all().count() == 1200
    assert await service.warm([1, 2]) == 0  # already cached: no query


async def test_warm_respects_the_cache_size(guildhall_db) -> None:
    service = GuildConfigService(cache_size=3)
    assert await service.warm(range(10, 20)) == 3
    assert [service.peek(g) is not None for g in (10, 12, 13)] == [True, True, False]


async def test_level_configs_warm_with_settings_and_exclusions(guildhall_db) -> None:
    await LevelSettings.create(guild_id=1, xp_min=1, xp_max=2, cooldown_seconds=5)
    await LevelExclusion.create(guild_id=1, kind="channel", target_id=10)
    await LevelExclusion.create(guild_id=2, kind="role", target_id=20)
    configs = GuildLevelConfigs(LevelingSettings())
    with StatementCounter().active() as counter:
        assert await configs.warm([1, 2, 3]) == 3
    assert counter.total == 2
    one, two, three = (configs.peek(g) for g in (1, 2, 3))
    assert (one.xp_min, one.xp_max, one.cooldown_seconds) == (1, 2, 5)
    assert one.excluded_channels == frozenset({10}) and two.excluded_roles == frozenset({20})
    assert three == await GuildLevelConfigs(LevelingSettings()).get(3)  # defaults, same shape


async def test_stale_settings_are_served_then_refreshed_in_bulk(guildhall_db) -> None:
    service = GuildConfigService(cache_ttl=0.05)
    await service.warm(range(1, 51))
    await GuildConfig.filter(guild_id__lte=50).update(prefix="?")
    await asyncio.sleep(0.06)
    assert {service.peek(g).prefix for g in range(1, 51)} == {"!"}  # stale, no query
    with StatementCounter().active() as counter:
        assert await service.refresh_due() == 50
    assert counter.total == 1
    assert {service.peek(g).prefix for g in range(1, 51)} == {"?"}
    assert (await service.get(1)).prefix == "?"

    configs = GuildLevelConfigs(LevelingSettings(), ttl=0.05)
    await configs.warm([1, 2])
    await LevelSettings.create(guild_id=2, xp_min=3, xp_max=4, cooldown_seconds=1)
    await asyncio.sleep(0.06)
    assert configs.peek(2).xp_min == LevelingSettings().xp_min
    assert await configs.refresh_due() == 1
    assert configs.peek(2).xp_min == 3
