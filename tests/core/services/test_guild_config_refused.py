"""GuildConfigService when the database refuses to store a new guild's row.

SQLite is made read-only (``PRAGMA query_only``, SQLITE_READONLY on every write); on
PostgreSQL a trigger answers inserts into ``guild_config`` with SQLSTATE 25006, what a
read-only server (a hot standby, ``default_transaction_read_only``) answers. Reads still
work in both cases.
"""

from __future__ import annotations

import logging

import pytest

from core.db.models import GuildConfig
from core.services.guild_config import GuildConfigService
from core.testing.bot_fixtures import eventually
from tests.helpers import refuse_writes as refuse_new_rows


async def refuse_writes(engine: str, refuse: bool) -> None:
    """Make the database refuse (or accept again) new ``guild_config`` rows."""
    await refuse_new_rows(engine, refuse, "guild_config")


async def test_defaults_are_served_while_refused_and_the_row_created_later(
    guildhall_db, guildhall_engine: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="core.services.guild_config")
    service = GuildConfigService(default_prefix="?", stand_in_ttl=0.2)
    await refuse_writes(guildhall_engine, True)
    config = await service.get(21)
    assert (config.guild_id, config.prefix, config.xp_enabled) == (21, "?", True)
    assert await service.prefix(22) == "?"
    assert service.peek(21) is config  # cached: the next message needs no query

    async def retried() -> bool:  # the stand-in expires soon: the next read tries again
        return await service.get(21) is not config

    await eventually(retried, timeout=5)
    assert await GuildConfig.all().count() == 0
    refusals = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(refusals) == 1  # once per outage, not once per guild or read
    assert "cannot store the settings of 1 new guild(s) such as 21" in refusals[0]

    await refuse_writes(guildhall_engine, False)

    async def stored() -> bool:
        await service.get(21)
        return await GuildConfig.filter(guild_id=21).count() == 1

    await eventually(stored, timeout=5, message="the row is created once writes work")
    assert (await GuildConfig.get(guild_id=21)).prefix == "?"
    assert "storing new guilds' settings works again" in caplog.text
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


async def test_warm_and_bulk_refresh_serve_defaults_while_refused(
    guildhall_db, guildhall_engine: str
) -> None:
    service = GuildConfigService(stand_in_ttl=0.1)
    await GuildConfig.create(guild_id=31, prefix="$")
    await refuse_writes(guildhall_engine, True)
    assert await service.warm([31, 32, 33]) == 3  # no error: 32 and 33 get stand-ins
    assert [service.peek(g).prefix for g in (31, 32, 33)] == ["$", "!", "!"]  # type: ignore[union-attr]

    async def reloaded() -> bool:
        for guild in (32, 33):  # the hot path reading a stand-in past its validity
            assert service.peek(guild) is not None
        return await service.refresh_due() == 2

    await eventually(reloaded, timeout=5)  # refused again: stand-ins again, no error
    assert await GuildConfig.all().count() == 1
    await refuse_writes(guildhall_engine, False)
    await eventually(reloaded, timeout=5)
    assert await GuildConfig.filter(guild_id__in=[32, 33]).count() == 2
    assert service.peek(32)._saved_in_db  # type: ignore[union-attr]
