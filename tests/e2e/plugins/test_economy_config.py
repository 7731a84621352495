"""``/economy config show|set``: the guild's own daily, work and bet amounts, changed
through the same service as the dashboard (validated, audited as ``slash``)."""

from __future__ import annotations

import pytest

from core.services import audit
from core.testing.bot_fixtures import StartBot, assert_no_mass_mentions
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.economy.models import EconomyGuildSettings
from tests.e2e.plugins.economy_support import ledger, slash

COIN = "\N{COIN}"  # the default currency symbol


@pytest.fixture
def guildhall_plugins() -> list[str]:
    return ["economy"]


async def test_set_changes_the_next_daily_and_is_audited(
    guildhall_start_bot: StartBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    await guildhall_start_bot()  # the config file's defaults: daily 100, work 20-80
    double, demo = guildhall_double, guildhall_demo
    admin, alice, carol = demo.admin, demo.members["alice"], demo.members["carol"]
    shown = await slash(double, demo, admin, "economy config show")
    assert shown.ephemeral and shown.content.splitlines() == [
        "**Economy amounts**", "Daily reward: 100 (default)", "Work pays at least: 20 (default)",
        "Work pays at most: 80 (default)", "Highest bet: 100,000 (default)",
    ]
    first = await slash(double, demo, alice, "daily")  # caches the defaults
    assert first.content.startswith(f"You claimed 100 {COIN}.")
    changed = await slash(double, demo, admin, "economy config set",
                          {"daily_amount": 2500, "gamble_max_bet": 100_000})
    assert not changed.ephemeral
    assert changed.content == "Changed for this server: Daily reward: 100 → 2,500."
    claimed = await slash(double, demo, carol, "daily")
    assert claimed.content == f"You claimed 2,500 {COIN}. Balance: 2,500 {COIN}."
    assert (await ledger(demo))[-1] == (carol.id, 2500, "daily")
    rows = await audit.recent_changes(demo.guild.id)
    assert [(r.setting, r.source, r.actor_id, audit.values(r)) for r in rows] == [
        ("economy.daily_amount", "slash", admin.id, (100, 2500))]
    again = await slash(double, demo, admin, "economy config show")
    assert "Daily reward: 2,500\nWork pays at least: 20 (default)" in again.content
    assert_no_mass_mentions(double)


async def test_refusals_write_nothing(
    guildhall_start_bot: StartBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    await guildhall_start_bot()  # the config file's defaults: daily 100, work 20-80
    double, demo = guildhall_double, guildhall_demo
    for name, options in [("economy config set", {"daily_amount": 1}),
                          ("economy config show", {})]:
        denied = await slash(double, demo, demo.member, name, options)
        assert denied.ephemeral and denied.content == (
            "You need these permissions: Manage Server."), name
    crossed = await slash(double, demo, demo.admin, "economy config set",
                          {"daily_amount": 500, "work_min": 90})
    assert crossed.ephemeral and crossed.content == (
        "These values do not fit together: the lowest work pay (90) is above the highest (80)."
        " Nothing was changed.")
    zero = await slash(double, demo, demo.admin, "economy config set", {"gamble_max_bet": 0})
    assert zero.ephemeral and zero.content == (
        "Highest bet: must be at least 1. Nothing was changed.")
    empty = await slash(double, demo, demo.admin, "economy config set")
    assert empty.ephemeral and empty.content.startswith(
        "Give at least one of: Daily reward, Work pays")
    assert not await EconomyGuildSettings.exists(guild_id=demo.guild.id)
    assert await audit.recent_changes(demo.guild.id) == []
    daily = await slash(double, demo, demo.member, "daily")
    assert daily.content.startswith(f"You claimed 100 {COIN}.")
