"""Leveling settings (validated, cached, invalidated), rewards and audited XP changes."""

from __future__ import annotations

import pytest

from core.db.models import GuildMember
from plugins.leveling import service
from plugins.leveling.guild_settings import GuildLevelConfigs
from plugins.leveling.models import LevelSettings, XpAdjustment
from plugins.leveling.settings import LevelingSettings
from tests.helpers import execute


async def test_defaults_cache_and_invalidation(guildhall_db) -> None:
    configs = GuildLevelConfigs(LevelingSettings(xp_min=1, xp_max=2))
    config = await configs.get(5)
    assert (config.xp_min, config.xp_max, config.cooldown_seconds) == (1, 2, 60)
    assert config.announce_mode == "same" and config.keep_lower_rewards
    await configs.set_rates(5, xp_min=3, xp_max=9, cooldown_seconds=10)
    await execute("UPDATE level_settings SET xp_max = 50 WHERE guild_id = 5")
    assert (await configs.get(5)).xp_max == 9  # served from the cache
    configs.invalidate(5)
    assert (await configs.get(5)).xp_max == 50
    assert await configs.exclude(5, "channel", 77)
    assert not await configs.exclude(5, "channel", 77)
    await configs.exclude(5, "role", 88)
    config = await configs.get(5)
    assert config.excluded_channels == {77} and config.excluded_roles == {88}
    assert await configs.include(5, 77)
    assert (await configs.get(5)).excluded_channels == frozenset()


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"xp_min": 30, "xp_max": 20}, "above the maximum"), ({"xp_min": -1}, "between 0"),
     ({"cooldown_seconds": -5}, "cooldown"), ({"xp_max": 10**6}, "between 0")],
)
async def test_bad_rates_change_nothing(guildhall_db, changes, message) -> None:
    configs = GuildLevelConfigs(LevelingSettings())
    with pytest.raises(ValueError, match=message):
        await configs.set_rates(6, **changes)
    assert await LevelSettings.filter(guild_id=6).count() == 0
    assert (await configs.get(6)).xp_min == 15


async def test_announce_modes(guildhall_db) -> None:
    configs = GuildLevelConfigs(LevelingSettings())
    with pytest.raises(ValueError, match="choose the channel"):
        await configs.set_announce(1, "channel")
    with pytest.raises(ValueError, match="one of"):
        await configs.set_announce(1, "loud")
    assert (await configs.set_announce(1, "channel", 42)).announce_channel_id == 42
    off = await configs.set_announce(1, "off", 42)
    assert (off.announce_mode, off.announce_channel_id) == ("off", None)


async def test_rewards_and_role_choice(guildhall_db) -> None:
    await service.add_reward(1, 5, 500)
    await service.add_reward(1, 10, 1000)
    await service.add_reward(1, 10, 1001)  # replaces the role of level 10
    with pytest.raises(ValueError, match="already the reward of level 5"):
        await service.add_reward(1, 20, 500)
    with pytest.raises(ValueError, match="between 2"):
        await service.add_reward(1, 1, 9)
    rewards = await service.rewards(1)
    assert rewards == [(5, 500), (10, 1001)]
    assert service.reward_roles(4, rewards, True) == (set(), {500, 1001})
    assert service.reward_roles(12, rewards, True) == ({500, 1001}, set())
    assert service.reward_roles(12, rewards, False) == ({1001}, {500})
    assert service.reward_roles(7, rewards, False) == ({500}, {1001})
    assert await service.remove_reward(1, 5)
    assert not await service.remove_reward(1, 5)


async def test_adjust_xp_is_audited(guildhall_db) -> None:
    change = await service.adjust_xp(3, 1, "ann", 99, "set", 400, "event prize")
    assert (change.new_xp, change.new_level) == (400, 3)
    change = await service.adjust_xp(3, 1, "ann", 99, "remove", 1000)
    assert (change.new_xp, change.delta) == (0, -400)
    rows = await XpAdjustment.filter(guild_id=3).order_by("id").values_list(
        "admin_id", "member_id", "delta", "xp_after", "reason"
    )
    assert rows == [(99, 1, 400, 400, "event prize"), (99, 1, -400, 0, None)]


@pytest.mark.parametrize(
    ("action", "amount"), [("set", -1), ("add", -5), ("add", 0), ("remove", -3), ("grow", 5)]
)
async def test_bad_adjustments_change_nothing(guildhall_db, action, amount) -> None:
    await service.adjust_xp(3, 1, "ann", 99, "set", 100)
    with pytest.raises(ValueError):
        await service.adjust_xp(3, 1, "ann", 99, action, amount)
    assert (await GuildMember.get(user_id=1, guild_id=3)).xp == 100
    assert await XpAdjustment.filter(guild_id=3).count() == 1
