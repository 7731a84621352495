"""``users``: the global registry, created on first interaction, ``last_seen`` batched.

Writing ``last_seen`` on every message would cost one statement per message; the
:class:`ActivityBuffer` keeps the newest sighting per user in memory and writes all of
them in one upsert per flush (on an interval and on shutdown).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import disnake
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.db.database import CONNECTION
from core.db.models import User
from core.services import user_fence


class ActivityBuffer:
    """Collects user sightings and upserts them into ``users`` in batches."""

    def __init__(self, batch_size: int = 500) -> None:
        self.batch_size = batch_size
        self._pending: dict[int, tuple[str, datetime | float, str | None, str | None]] = {}
        self._lock = asyncio.Lock()

    def record(
        self, user_id: int, username: str, when: datetime | None = None, *,
        display_name: str | None = None, avatar: str | None = None,
    ) -> None:
        """Remember that ``user_id`` was active (cheap: no I/O, no datetime per message),
        with the display name and avatar hash the dashboard shows."""
        self._pending[user_id] = (username, time.time() if when is None else when,
                                  display_name, avatar)

    def record_author(self, author: disnake.abc.User) -> None:
        """:meth:`record` for the author of a message or interaction."""
        avatar = author.avatar
        self.record(author.id, author.name, display_name=author.global_name,
                    avatar=avatar.key if avatar is not None else None)

    def __len__(self) -> int:
        return len(self._pending)

    def forget(self, user_id: int) -> bool:
        """Drop ``user_id``'s pending sighting unwritten; ``True`` when there was one."""
        return self._pending.pop(user_id, None) is not None

    async def flush(self) -> int:
        """Write every pending sighting; return how many users were written.

        New users are inserted; known users get ``username``, ``display_name``, ``avatar``
        and ``last_seen`` updated.
        On failure the sightings are put back, so nothing is lost. Sightings of a user who
        deleted their data afterwards are dropped (``core.services.user_fence``, same transaction).
        """
        async with self._lock:
            pending, self._pending = self._pending, {}
            if not pending:
                return 0
            try:
                async with in_transaction(CONNECTION) as conn:
                    fence = await user_fence.deletions(conn)
                    rows = [
                        User(user_id=user_id, username=name, display_name=display,
                             avatar=avatar, last_seen=_as_datetime(seen))
                        for user_id, (name, seen, display, avatar) in sorted(pending.items())
                        if not user_fence.recorded_before(fence, user_id, seen)
                    ]
                    if rows:
                        await User.bulk_create(
                            rows,
                            batch_size=self.batch_size,
                            on_conflict=["user_id"],
                            update_fields=["username", "display_name", "avatar", "last_seen"],
                            using_db=conn,
                        )
            except BaseException:
                for user_id, value in pending.items():
                    self._pending.setdefault(user_id, value)
                raise
            return len(rows)


def _as_datetime(seen: datetime | float) -> datetime:
    return seen if isinstance(seen, datetime) else datetime.fromtimestamp(seen, UTC)


async def ensure_user(
    user_id: int, username: str, using_db: BaseDBAsyncClient | None = None
) -> User:
    """The ``users`` row of a user, created now if missing (for writes that need it)."""
    user, _ = await User.get_or_create(
        user_id=user_id, defaults={"username": username}, using_db=using_db
    )
    return user
