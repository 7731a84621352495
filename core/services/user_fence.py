"""The deletion fence: buffered writes can never recreate a user who deleted their data.

Every worker buffers data in memory (XP, ``users.last_seen``, command statistics) and
writes it on a later flush. A ``/privacy delete`` asks every worker to drop the user's
buffered data (``core.services.privacy_bus``), but bus messages are hints; the fence is the
guarantee:

- :func:`record_deletion` commits a ``user_deletions`` row (user, time) *before* the
  user's rows are deleted.
- Each flush calls :func:`deletions` inside its own write transaction and drops what it
  buffered for such a user before that time (:func:`recorded_before`).

On PostgreSQL the two take one advisory lock, exclusive for the deletion and shared for
flushes: a flush that started earlier finishes (its rows are then deleted with the rest),
a later one reads the committed row. On SQLite writers are serialised by the database,
and a flush whose snapshot predates the deletion fails to write and retries. Rows older
than :data:`KEEP` are removed whenever a deletion is recorded.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.db.database import CONNECTION
from core.db.models import UserDeletion

KEEP = timedelta(days=7)
LOCK_KEY = 0x67_75_69_6C_64_66_6E_63  # "guildfnc": the fence's advisory lock


def _is_postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.schema_generator.DIALECT == "postgres"


async def record_deletion(user_id: int, now: datetime | None = None) -> datetime:
    """Commit the fence for ``user_id`` at ``now``; return that time.

    Waits for flushes that are writing right now (PostgreSQL); any flush that starts after
    this returns drops the user's data recorded before ``now``.
    """
    now = now or datetime.now(UTC)
    async with in_transaction(CONNECTION) as conn:
        if _is_postgres(conn):
            await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY])
        await UserDeletion.filter(deleted_at__lt=now - KEEP).using_db(conn).delete()
        await UserDeletion.update_or_create(
            user_id=user_id, defaults={"deleted_at": now}, using_db=conn
        )
    return now


async def deletions(conn: BaseDBAsyncClient) -> dict[int, datetime]:
    """``{user_id: deleted_at}`` of recent deletions, read inside a flush's transaction
    ``conn`` (call it before the flush writes; the table holds a few rows at most)."""
    if _is_postgres(conn):
        await conn.execute_query("SELECT pg_advisory_xact_lock_shared($1)", [LOCK_KEY])
    rows = await UserDeletion.all().using_db(conn).values_list("user_id", "deleted_at")
    return {int(user_id): _aware(at) for user_id, at in rows}


def recorded_before(
    fence: dict[int, datetime], user_id: int, recorded: datetime | float
) -> bool:
    """Whether data of ``user_id`` recorded at ``recorded`` (a datetime or a Unix time)
    predates the user's deletion, so a flush must drop it."""
    deleted_at = fence.get(user_id)
    if deleted_at is None:
        return False
    if not isinstance(recorded, datetime):
        recorded = datetime.fromtimestamp(recorded, UTC)
    return _aware(recorded) <= deleted_at


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
