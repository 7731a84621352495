"""Plugin switches on both engines: defaults, cache, audit, bad names, purge, and
invalidation of another process's cache through the real bus."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time

import pytest

from core.coordination import bus, coordination_for
from core.db.models import GuildPluginSwitch, SettingsAudit
from core.services import audit, plugin_switches
from core.services.guild_config import GuildConfigService
from core.testing.bot_fixtures import eventually
from tests.helpers import ROOT, execute

KNOWN = ["leveling", "economy"]


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    plugin_switches.clear_cache()


async def test_absent_rows_mean_enabled_and_dms_always_are(guildhall_db) -> None:
    assert await plugin_switches.is_enabled(1, "leveling")
    assert await plugin_switches.is_enabled(None, "leveling")
    assert plugin_switches.cached_enabled(None, "economy") is True
    assert await plugin_switches.states(1, KNOWN) == {"leveling": True, "economy": True}


async def test_switching_writes_the_row_and_one_audit_row_per_change(guildhall_db) -> None:
    assert await plugin_switches.is_enabled(5, "leveling")  # cached as enabled
    assert await plugin_switches.set_enabled(
        5, "leveling", False, actor_id=42, source="slash", known=KNOWN
    )
    assert plugin_switches.cached_enabled(5, "leveling") is None  # dropped at once
    assert not await plugin_switches.is_enabled(5, "leveling")
    assert await plugin_switches.is_enabled(5, "economy")
    assert await plugin_switches.is_enabled(6, "leveling")  # other guilds untouched
    assert not await plugin_switches.set_enabled(  # already off: nothing to do
        5, "leveling", False, actor_id=42, source="slash", known=KNOWN
    )
    assert await plugin_switches.set_enabled(
        5, "leveling", True, actor_id=43, source="web", known=KNOWN
    )
    assert await plugin_switches.is_enabled(5, "leveling")
    row = await GuildPluginSwitch.get(guild_id=5, plugin="leveling")
    assert (row.enabled, row.updated_by) == (True, 43)
    changes = await audit.recent_changes(5)
    assert [(c.actor_id, c.source, c.setting, audit.values(c)) for c in changes] == [
        (43, "web", "plugin:leveling", (False, True)),
        (42, "slash", "plugin:leveling", (True, False)),
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [("levelling", "there is no plugin called 'levelling' (plugins: economy, leveling)"),
     ("core", "core is part of the bot and cannot be disabled"),
     ("x" * 300, "there is no plugin called 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'")],
)
async def test_bad_names_change_nothing(guildhall_db, name: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        await plugin_switches.set_enabled(7, name, False, actor_id=1, source="slash",
                                          known=KNOWN)
    assert str(info.value).startswith(message)
    assert await GuildPluginSwitch.all().count() == 0
    assert await SettingsAudit.all().count() == 0


async def test_reads_come_from_the_cache(guildhall_db) -> None:
    assert await plugin_switches.is_enabled(8, "economy")
    await execute("INSERT INTO guild_plugins (guild_id, plugin, enabled) VALUES (8, 'economy', "
                  + ("false" if guildhall_db.settings.database.dialect == "postgres" else "0")
                  + ")")
    assert await plugin_switches.is_enabled(8, "economy")  # cached: no query
    assert await plugin_switches.states(8, ["economy"]) == {"economy": False}  # the database
    await bus.publish(plugin_switches.TOPIC, {"guild_id": 8})
    assert not await plugin_switches.is_enabled(8, "economy")


async def test_guild_purge_removes_switches_and_audit_rows(guildhall_db) -> None:
    configs = GuildConfigService()
    for guild in (9, 10):
        await configs.get(guild)
        await plugin_switches.set_enabled(guild, "economy", False, actor_id=1, source="web",
                                          known=KNOWN)
        await configs.update(guild, actor_id=1, source="prefix", prefix="?")
    assert not await plugin_switches.is_enabled(9, "economy")
    await configs.purge(9)
    assert await plugin_switches.is_enabled(9, "economy")  # cache dropped with the rows
    assert await GuildPluginSwitch.filter(guild_id=9).count() == 0
    assert await SettingsAudit.filter(guild_id=9).count() == 0
    assert await GuildPluginSwitch.filter(guild_id=10).count() == 1
    assert await SettingsAudit.filter(guild_id=10).count() == 2


async def test_guild_config_changes_reach_another_cache_through_the_bus(guildhall_db) -> None:
    """Two services with separate caches, each on its own deployment bus (Redis on the
    PostgreSQL run, the socket directory on SQLite), as two workers would be."""
    settings = guildhall_db.settings
    first, second = GuildConfigService(), GuildConfigService()
    buses = [coordination_for(settings).make_bus(), coordination_for(settings).make_bus()]
    first.listen(buses[0])
    second.listen(buses[1])
    for each in buses:
        await each.start()
    bus.install(buses[0])
    try:
        assert await second.prefix(11) == "!"
        await first.update(11, actor_id=3, source="slash", prefix="$", xp_enabled=True)
        await eventually(lambda: second.peek(11) is None, timeout=1.0,
                         message="the other cache kept the old prefix")
        assert await second.prefix(11) == "$"
        [change] = await audit.recent_changes(11)  # xp_enabled did not change: no row
        assert (change.setting, audit.values(change)) == ("prefix", ("!", "$"))
    finally:
        bus.install(None)
        for each in buses:
            await each.stop()


async def test_a_switch_in_another_process_reaches_this_cache_within_a_second(
    guildhall_db,
) -> None:
    settings = guildhall_db.settings
    mine, arrivals = coordination_for(settings).make_bus(), []
    mine.subscribe(plugin_switches.TOPIC, lambda payload: arrivals.append(time.time()))
    await mine.start()
    bus.install(mine)
    try:
        assert await plugin_switches.is_enabled(12, "economy")  # cached as enabled
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("GUILDHALL_") and k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(DATABASE_URL=settings.database.url.get_secret_value(),
                   GUILDHALL_PLUGINS__ENABLED=json.dumps(settings.plugins.enabled),
                   GUILDHALL_LEADER__KEY=settings.leader.key)
        if settings.redis.url.get_secret_value():
            env["REDIS_URL"] = settings.redis.url.get_secret_value()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.core.services.switch_peer", "12", "economy", "off", "77",
            cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, err.decode()
        changed, sent_at = out.decode().split()
        assert changed == "True"
        await eventually(lambda: arrivals, timeout=1.0, message="no message arrived")
        assert arrivals[0] - float(sent_at) < 1.0  # the bus, not the 300 s cache TTL
        assert plugin_switches.cached_enabled(12, "economy") is None
        assert not await plugin_switches.is_enabled(12, "economy")
        [change] = await audit.recent_changes(12)
        assert (change.source, change.actor_id) == ("web", 77)
    finally:
        bus.install(None)
        await mine.stop()
