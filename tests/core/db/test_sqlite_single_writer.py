"""One writer path per process: every flush at once under message load, nothing lost.

The users, XP, statistics and custom-command flushes, guild configuration writes and
economy transfers run concurrently and repeatedly while members chat through the
Discord double (both engines); on SQLite they share one connection and must never
collide (``cannot start a transaction within a transaction``), even when flushes are
cancelled mid-way.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Any

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from core.bot.guildhall_bot import GuildhallBot
from core.db.database import CONNECTION
from core.db.models import GuildMember, User
from core.db.sqlite_writer import SerialisedSqliteClient
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.analytics.models import CommandStat
from plugins.customcmds.models import CustomCommand

ROUNDS = 12
MEMBERS = 4


def watch_xp(bot: GuildhallBot) -> Counter[tuple[int, int]]:
    """Every award the leveling buffer accepts from now on, per (user, guild)."""
    awarded: Counter[tuple[int, int]] = Counter()
    buffer = bot.get_cog("Leveling").buffer  # type: ignore[union-attr]
    add = buffer.add

    def recording(user_id: int, guild_id: int, amount: int, *args: Any, **kw: Any) -> None:
        add(user_id, guild_id, amount, *args, **kw)
        awarded[(user_id, guild_id)] += amount

    buffer.add = recording
    return awarded


async def test_every_flush_at_once_under_message_load_loses_nothing(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot, double, demo = guildhall_bot, guildhall_double, guildhall_demo
    caplog.set_level(logging.ERROR)
    people = [demo.person(name) for name in ("alice", "bob", "carol", "admin")]
    awarded = watch_xp(bot)
    leveling, analytics = bot.get_cog("Leveling"), bot.get_cog("Analytics")
    customcmds = bot.get_cog("CustomCommands")
    command = await CustomCommand.create(guild_id=demo.guild.id, command_name="hello",
                                         response="hi", creator_id=demo.admin.id)
    uses = stats = 0
    for n in range(ROUNDS):
        for i, person in enumerate(people):
            await double.send_message(demo.general, person, f"round {n} message {i}")
            analytics.record("rank", demo.guild.id, person.id)  # type: ignore[union-attr]
            customcmds.uses.add(command.id)  # type: ignore[union-attr]
            stats += 1
            uses += 1
        await asyncio.gather(
            bot.user_activity.flush(), leveling.flush(),  # type: ignore[union-attr]
            analytics.flush(), customcmds.flush(),  # type: ignore[union-attr]
            bot.guild_configs.update(demo.guild.id, prefix="!" if n % 2 else "?"),
            bot.flush(),
        )
    last = f"round {ROUNDS - 1} message {MEMBERS - 1}"
    await eventually(lambda: any(m.content == last for m in bot.cached_messages),
                     message="the last message never arrived")
    await bot.flush()
    await bot.flush()  # messages whose handlers ran during the last flush

    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    rows = await GuildMember.filter(guild_id=demo.guild.id).values_list("user_id", "xp")
    stored = {(u, demo.guild.id): xp for u, xp in rows if xp}
    assert sum(awarded.values()) > 0
    assert stored == dict(awarded)
    assert await User.filter(user_id__in=[p.id for p in people]).count() == MEMBERS
    assert await CommandStat.filter(guild_id=demo.guild.id, command_name="rank").count() == stats
    assert (await CustomCommand.get(id=command.id)).uses == uses


@pytest.mark.parametrize("guildhall_engine", ["sqlite"], indirect=True)
async def test_cancelled_sqlite_writers_never_leave_a_transaction_open(guildhall_db: Any) -> None:
    client = connections.get(CONNECTION)
    assert isinstance(client, SerialisedSqliteClient)
    await client.execute_script("CREATE TABLE scratch (id INTEGER PRIMARY KEY, v INT)")
    failures: list[BaseException] = []

    async def transaction(i: int) -> None:
        try:
            async with in_transaction(CONNECTION) as conn:
                await conn.execute_query("INSERT INTO scratch (v) VALUES (?)", [i])
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            failures.append(exc)

    async def batch(i: int) -> None:
        try:
            await client.execute_many("INSERT INTO scratch (v) VALUES (?)", [[i]] * 3)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            failures.append(exc)

    for n in range(60):
        tasks = [asyncio.create_task(work(i)) for i in range(4) for work in (transaction, batch)]
        for _ in range(n % 7):
            await asyncio.sleep(0)  # cancel at a different await each round
        for task in tasks[n % 3::3]:
            task.cancel()
        done, pending = await asyncio.wait(tasks, timeout=60)
        assert not pending, "a cancelled writer kept the connection's lock"
    assert failures == []
    async with in_transaction(CONNECTION) as conn:  # the connection is free and usable
        await conn.execute_query("INSERT INTO scratch (v) VALUES (?)", [-1])
    assert not client._connection.in_transaction
    assert await client.execute_query_dict("SELECT v FROM scratch WHERE v = -1") == [{"v": -1}]
