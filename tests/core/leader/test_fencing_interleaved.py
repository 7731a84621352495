"""Fencing under interleaving: a stale leader paused between the fence check and its write.

The stale leader (epoch 3) passes the fence check, then stops right before its write; a
new leader (epoch 5), on its own connection as another process would be, advances the
fence; then the stale leader writes and tries to commit. Either the check and the write
are one transaction, so the new leader cannot get in until the stale transaction ends,
or the stale write must be rejected. What must never happen: a write of epoch 3 that
commits after epoch 5 did, i.e. one the new leader's transaction did not see.
"""

from __future__ import annotations

import asyncio
from typing import Any

from asyncpg.exceptions import LockNotAvailableError
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import OperationalError

from core.db.database import CONNECTION
from core.db.models import GuildConfig
from core.leader.fencing import FencedOut, advance_fence, current_epoch, fenced

STALE_GUILD = 4242


def rival_client(engine: str) -> BaseDBAsyncClient:
    """A client with its own connection to the test database (another process's view).

    It never waits for a lock: SQLite's busy timeout is 0 here, and on PostgreSQL each
    transaction sets a tiny ``lock_timeout``, so "blocked" is an immediate error."""
    info = dict(connections.db_config[CONNECTION])
    params = dict(info["credentials"])
    if engine == "sqlite":
        params["busy_timeout"] = 0
    else:
        params.update(minsize=1, maxsize=1)
    client_class = connections._discover_client_class(info)
    return client_class(connection_name="fence-rival", **params)


async def new_leader_fences(
    rival: BaseDBAsyncClient, engine: str, blocked: asyncio.Event, stale_done: asyncio.Event
) -> int:
    """Advance the fence to epoch 5 and count the stale leader's rows it sees.

    On a lock conflict: set ``blocked``, wait for the stale leader to finish, try again."""
    while True:
        try:
            async with rival._in_transaction() as conn:
                if engine == "postgres":
                    await conn.execute_script("SET LOCAL lock_timeout = '1ms'")
                await advance_fence(conn, 5, "new-leader")
                return await GuildConfig.filter(guild_id=STALE_GUILD).using_db(conn).count()
        except (OperationalError, LockNotAvailableError):  # SQLite busy, PostgreSQL lock
            assert not blocked.is_set(), "still blocked after the stale leader finished"
            blocked.set()
            await stale_done.wait()


async def test_stale_write_between_check_and_write_never_commits_after_new_epoch(
    guildhall_db: Any, guildhall_engine: str
) -> None:
    checked, release, blocked, stale_done = (asyncio.Event() for _ in range(4))
    outcome: dict[str, Any] = {}

    async def stale_leader() -> None:
        try:
            async with fenced(3, "stale-leader") as conn:
                checked.set()
                await release.wait()  # paused (GC, SIGSTOP) between check and write
                await GuildConfig.create(guild_id=STALE_GUILD, using_db=conn)
            outcome["stale"] = "committed"
        except FencedOut:
            outcome["stale"] = "fenced out"
        finally:
            stale_done.set()

    rival = rival_client(guildhall_engine)
    try:
        stale = asyncio.create_task(stale_leader())
        await asyncio.wait_for(checked.wait(), 60)
        new = asyncio.create_task(new_leader_fences(rival, guildhall_engine, blocked,
                                                    stale_done))
        blocked_wait = asyncio.create_task(blocked.wait())
        await asyncio.wait({new, blocked_wait}, timeout=60,
                           return_when=asyncio.FIRST_COMPLETED)
        assert new.done() or blocked.is_set(), "the new leader neither fenced nor blocked"
        release.set()
        await asyncio.wait_for(stale, 60)
        seen_by_new_leader = await asyncio.wait_for(new, 60)
        blocked_wait.cancel()
    finally:
        await rival.close()

    stored = await GuildConfig.filter(guild_id=STALE_GUILD).count()
    assert await current_epoch() == 5
    assert stored == (1 if outcome["stale"] == "committed" else 0)
    # A committed stale write must be ordered before the new epoch: the new leader saw it.
    assert stored == seen_by_new_leader, (
        f"the stale leader's write ({outcome['stale']}) committed after epoch 5 fenced")
