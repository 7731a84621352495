"""Settings caches of a shard's guilds: warmed in bulk, refreshed in bulk when stale."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import core.services.cache
from core.db.models import GuildConfig, GuildPluginSwitch
from core.services import plugin_switches
from core.services.cache import TtlCache
from core.services.guild_config import GuildConfigService
from plugins.leveling.guild_settings import GuildLevelConfigs
from plugins.leveling.models import LevelExclusion, LevelSettings
from plugins.leveling.settings import LevelingSettings
from tests.bench.common import StatementCounter


class ManualClock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def cache_clock(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    """The caches' clock (``core.services.cache`` reads ``time.monotonic`` and ``_monotonic``)."""
    clock = ManualClock()
    monkeypatch.setattr(core.services.cache, "_monotonic", clock)
    monkeypatch.setattr(core.services.cache, "time", SimpleNamespace(monotonic=clock))
    return clock


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


async def test_stale_settings_are_served_then_refreshed_in_bulk(
    guildhall_db, cache_clock: ManualClock
) -> None:
    service = GuildConfigService(cache_ttl=0.05)
    await service.warm(range(1, 51))
    await GuildConfig.filter(guild_id__lte=50).update(prefix="?")
    cache_clock.advance(0.06)  # expired, still within max_stale
    assert {service.peek(g).prefix for g in range(1, 51)} == {"!"}  # stale, no query
    with StatementCounter().active() as counter:
        assert await service.refresh_due() == 50
    assert counter.total == 1
    assert {service.peek(g).prefix for g in range(1, 51)} == {"?"}
    assert (await service.get(1)).prefix == "?"

    configs = GuildLevelConfigs(LevelingSettings(), ttl=0.05)
    await configs.warm([1, 2])
    await LevelSettings.create(guild_id=2, xp_min=3, xp_max=4, cooldown_seconds=1)
    cache_clock.advance(0.06)  # expired, still within max_stale
    assert configs.peek(2).xp_min == LevelingSettings().xp_min
    assert await configs.refresh_due() == 1
    assert configs.peek(2).xp_min == 3


async def test_plugin_switches_warm_and_refresh_in_bulk(
    guildhall_db, cache_clock: ManualClock
) -> None:
    await GuildPluginSwitch.create(guild_id=3, plugin="leveling", enabled=False)
    await GuildPluginSwitch.create(guild_id=4, plugin="economy", enabled=True)
    plugin_switches.clear_cache()
    with StatementCounter().active() as counter:
        assert await plugin_switches.warm(range(1, 701)) == 700
    assert counter.total == 2  # 500 + 200 guilds
    assert plugin_switches.cached_enabled(3, "leveling") is False
    assert plugin_switches.cached_enabled(4, "economy") is True
    assert plugin_switches.cached_enabled(700, "leveling") is True
    assert plugin_switches.cached_enabled(701, "leveling") is None  # not warmed

    plugin_switches._cache = TtlCache(100, 0.05, 0.1)  # a short TTL for the test
    await plugin_switches.warm([3, 5])
    await GuildPluginSwitch.create(guild_id=5, plugin="leveling", enabled=False)
    cache_clock.advance(0.06)  # expired, still within max_stale
    assert plugin_switches.cached_enabled(5, "leveling") is True  # stale, served
    assert await plugin_switches.refresh_due() == 1
    assert plugin_switches.cached_enabled(5, "leveling") is False
    plugin_switches.clear_cache()


async def test_a_guild_quiet_for_an_hour_needs_no_query_on_its_next_message(
    guildhall_db, cache_clock: ManualClock
) -> None:
    """The hot path's settings of a quiet guild stay servable past any TTL and reload in bulk.

    A bound (one TTL past expiry, as before) made a worker of 12,500 guilds load a guild's
    settings alone on nearly every message (issue #23; tests/bench/guild_cpu.py).
    """
    service = GuildConfigService()  # the production TTLs
    configs = GuildLevelConfigs(LevelingSettings())
    plugin_switches.clear_cache()
    guilds = range(1, 101)
    await service.warm(guilds)
    await configs.warm(guilds)
    await plugin_switches.warm(guilds)
    await GuildConfig.filter(guild_id=7).update(prefix="?")
    cache_clock.advance(3600.0)
    with StatementCounter().active() as counter:  # every guild speaks once: what peek serves
        served = [(service.peek(g), configs.peek(g), plugin_switches.cached_enabled(g, "leveling"))
                  for g in guilds]
    assert counter.total == 0
    assert all(config is not None and level is not None and enabled is True
               for config, level, enabled in served)
    with StatementCounter().active() as counter:  # the flush loops' bulk reloads
        assert await service.refresh_due() == 100
        assert await configs.refresh_due() == 100
        assert await plugin_switches.refresh_due() == 100
    assert counter.total <= 4  # one query per 500 guilds each (leveling: settings + exclusions)
    assert service.peek(7).prefix == "?"
    plugin_switches.clear_cache()
