"""Fencing: leader writes carry the lease epoch and the database rejects older epochs.

A leader that was paused (GC, SIGSTOP, a slow VM) past its lease may resume believing it
still leads. Every leader write runs inside :func:`fenced`, which first raises the stored
epoch to the writer's epoch *in the same transaction*; when a newer leader has already
written, the stored epoch is higher, the update matches no row, and the whole transaction
is rolled back with :class:`FencedOut`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.db.database import CONNECTION, placeholders

DEFAULT_FENCE = "leader"


class FencedOut(Exception):
    """A newer leader epoch has written: this process must stop acting as leader."""


async def advance_fence(
    conn: BaseDBAsyncClient, epoch: int, holder: str = "", name: str = DEFAULT_FENCE
) -> None:
    """Raise the stored epoch to ``epoch`` on ``conn``; :class:`FencedOut` if it is newer."""
    p = placeholders(conn, 3)
    await conn.execute_query(
        f'INSERT INTO "leader_fence" ("name", "epoch", "holder") VALUES ({p[0]}, 0, {p[1]}) '  # noqa: S608
        f'ON CONFLICT ("name") DO NOTHING',
        [name, holder],
    )
    p = placeholders(conn, 4)
    count, _ = await conn.execute_query(
        f'UPDATE "leader_fence" SET "epoch" = {p[0]}, "holder" = {p[1]}, '  # noqa: S608
        f'"updated_at" = CURRENT_TIMESTAMP WHERE "name" = {p[2]} AND "epoch" <= {p[3]}',
        [epoch, holder, name, epoch],
    )
    if count != 1:
        raise FencedOut(f"epoch {epoch} is older than the fence {name!r}: a newer leader acted")


@asynccontextmanager
async def fenced(
    epoch: int, holder: str = "", name: str = DEFAULT_FENCE
) -> AsyncIterator[BaseDBAsyncClient]:
    """A transaction that commits only if ``epoch`` is still the newest leader epoch."""
    async with in_transaction(CONNECTION) as conn:
        await advance_fence(conn, epoch, holder, name)
        yield conn


async def current_epoch(name: str = DEFAULT_FENCE) -> int:
    """The newest epoch that has written (0 before any leader write)."""
    client = connections.get(CONNECTION)
    p = placeholders(client, 1)
    _, rows = await client.execute_query(
        f'SELECT "epoch" FROM "leader_fence" WHERE "name" = {p[0]}', [name]  # noqa: S608
    )
    return int(rows[0]["epoch"]) if rows else 0
