"""The economy plugin's hooks: settings validation, guild purge, one integrity check."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.maintenance.integrity import collect_checks, run_checks
from core.plugins.manager import PluginManager
from core.runtime.config import ConfigError, Settings
from plugins.economy import service as bank
from plugins.economy import shop
from plugins.economy.models import ShopItem, Transaction, TransactionArchive
from plugins.economy.settings import EconomySettings


def test_settings_are_validated_with_key_and_value() -> None:
    with pytest.raises(ConfigError, match=r"plugins\.economy\.work_min = 0"):
        PluginManager(_settings({"work_min": 0})).load()
    loaded = PluginManager(_settings({"daily_amount": 5})).load()
    assert loaded.plugin_settings["economy"] == EconomySettings(daily_amount=5)


def _settings(economy: dict[str, object]) -> Settings:
    return Settings(database={"url": "sqlite://:memory:"},
                    plugins={"enabled": ["economy"], "economy": economy})


async def test_guild_purge_takes_ledger_archive_and_shop(guildhall_db) -> None:
    await bank.deposit(1, 10, 50, "admin")
    await bank.deposit(1, 11, 70, "admin")
    await TransactionArchive.create(id=99_999, user_id=1, guild_id=10, amount=5,
                                    transaction_type="work", created_at=await _first_time())
    await shop.add_item(10, "Cookie", 5, created_by=2)
    await guildhall_db.plugins.acall("guildhall_guild_purge", guild_id=10)
    assert await Transaction.filter(guild_id=10).count() == 0
    assert await TransactionArchive.filter(guild_id=10).count() == 0
    assert await ShopItem.filter(guild_id=10).count() == 0
    assert await Transaction.filter(guild_id=11).count() == 1


async def test_one_balance_check_and_it_runs_clean(guildhall_db) -> None:
    await bank.deposit(1, 10, 50, "admin")
    await bank.transfer(10, 1, 2, 20)
    checks = collect_checks(guildhall_db.plugins, guildhall_db.settings)
    names = [check.name for owner, check in checks if owner == "economy"]
    assert names == ["economy.balances"]
    [outcome] = await run_checks([c for c in checks if c[1].name == "economy.balances"])
    assert outcome.ok, outcome


async def _first_time() -> datetime:
    return (await Transaction.first()).created_at
