"""The XP hot path: an in-memory cooldown and a buffer of pending awards, flushed in batches.

A guild lives on exactly one shard, so one process sees every message of a (user, guild)
pair: the cooldown can live in memory. Awards accumulate in a dict and are written by
:meth:`XpBuffer.flush` in one transaction (a multi-row upsert per table, see
``core.services.xp.apply_awards``). Awards made while a flush runs go to a fresh dict and
are written by the next flush; a failed flush puts its awards back, so nothing is lost
or counted twice.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from core.plugins.api import user_fence, xp

Key = tuple[int, int]  # (user_id, guild_id)
PRUNE_EVERY = 60.0


@dataclass(frozen=True, slots=True)
class LevelUp:
    """A member who reached a higher level, and the channel they last earned XP in."""

    change: xp.LevelChange
    channel_id: int | None


class XpBuffer:
    """Cooldowns and pending XP of one process; flush with :meth:`flush`."""

    def __init__(self) -> None:
        self._pending: dict[Key, int] = {}
        self._channels: dict[Key, int] = {}
        self._usernames: dict[int, str] = {}
        self._since: dict[Key, float] = {}  # Unix time of each pending award's first XP
        self._last_award: dict[Key, tuple[float, float]] = {}  # key -> (when, cooldown then)
        self._writing: set[int] = set()  # guilds whose awards a running flush writes
        self._write_ended = asyncio.Event()  # set (and replaced) whenever a write ends
        self._pruned_at = time.monotonic()

    def __len__(self) -> int:
        return len(self._pending)

    def cooling_down(self, user_id: int, guild_id: int, seconds: float) -> bool:
        """Whether the pair is still cooling down (read only)."""
        last = self._last_award.get((user_id, guild_id))
        return last is not None and time.monotonic() - last[0] < min(last[1], seconds)

    def try_start_cooldown(
        self, user_id: int, guild_id: int, seconds: float, now: float | None = None
    ) -> bool:
        """``True`` (and start a new cooldown) unless the pair is still cooling down.

        A lowered cooldown applies at once (the shorter of the old and new one counts).
        """
        now = time.monotonic() if now is None else now
        key = (user_id, guild_id)
        last = self._last_award.get(key)
        if last is not None and now - last[0] < min(last[1], seconds):
            return False
        self._last_award[key] = (now, seconds)
        return True

    def add(
        self, user_id: int, guild_id: int, amount: int, username: str = "",
        channel_id: int | None = None,
    ) -> None:
        """Buffer ``amount`` XP for the member (no I/O)."""
        if amount < 0:
            raise ValueError("an award cannot be negative")
        key = (user_id, guild_id)
        if key not in self._pending:
            self._since[key] = time.time()
        self._pending[key] = self._pending.get(key, 0) + amount
        if channel_id is not None:
            self._channels[key] = channel_id
        if username:
            self._usernames[user_id] = username

    def pending(self, user_id: int, guild_id: int) -> int:
        """XP awarded to the member and not yet written."""
        return self._pending.get((user_id, guild_id), 0)

    def forget(self, user_id: int) -> int:
        """Drop ``user_id``'s pending awards unwritten (in every guild); return how many."""
        keys = [key for key in self._pending if key[0] == user_id]
        for key in keys:
            del self._pending[key]
            self._channels.pop(key, None)
            self._since.pop(key, None)
        self._usernames.pop(user_id, None)
        return len(keys)

    async def flush(self, guild_id: int | None = None) -> list[LevelUp]:
        """Write every pending award (only ``guild_id``'s when given: a reader of one guild,
        such as ``/rank``, writes what its answer needs, not the whole process's awards);
        return the members who levelled up.

        Safe to call concurrently with :meth:`add` and with itself. Two writes never share
        a guild (its rows and rank counts): a guild's flush waits only for a running write
        that holds that guild's awards, so ``/rank`` does not wait for the periodic flush
        of every other guild; a whole flush waits for every running write. Awards of a
        user who deleted their data after they started are dropped
        (``core.services.user_fence``, read in the same transaction).
        """
        while not self._may_take(guild_id):
            await self._write_ended.wait()
        if guild_id is None:  # no await from the check to the take
            pending, self._pending = self._pending, {}
            channels, self._channels = self._channels, {}
            usernames, self._usernames = self._usernames, {}
            since, self._since = self._since, {}
            self._prune()
        else:
            pending, channels, usernames, since = self._take_guild(guild_id)
        if not pending:
            return []
        guilds = {guild for _, guild in pending}
        self._writing |= guilds
        try:
            async with in_transaction(xp.CONNECTION) as conn:
                fence = await user_fence.deletions(conn)
                awards = {
                    key: amount for key, amount in pending.items()
                    if not user_fence.recorded_before(fence, key[0], since.get(key, 0.0))
                }
                changes = await xp.apply_awards(awards, usernames, conn) if awards else []
        except BaseException:
            for key, amount in pending.items():
                self._pending[key] = self._pending.get(key, 0) + amount
                self._since[key] = since.get(key, 0.0)  # earlier than any newer award
            for key, channel in channels.items():
                self._channels.setdefault(key, channel)
            for user_id, name in usernames.items():
                self._usernames.setdefault(user_id, name)
            raise
        finally:
            self._writing -= guilds
            self._write_ended.set()  # wake every waiter, each checks again
            self._write_ended = asyncio.Event()
        return [
            LevelUp(c, channels.get((c.user_id, c.guild_id)))
            for c in changes
            if c.new_level > c.old_level
        ]

    def _may_take(self, guild_id: int | None) -> bool:
        """Whether a flush of ``guild_id`` (``None``: every guild) may take its awards now."""
        return guild_id not in self._writing if guild_id is not None else not self._writing

    def _take_guild(
        self, guild_id: int
    ) -> tuple[dict[Key, int], dict[Key, int], dict[int, str], dict[Key, float]]:
        """Remove and return the guild's pending awards, their channels, names and times
        (a name stays for the user's awards in other guilds)."""
        keys = [key for key in self._pending if key[1] == guild_id]
        pending = {key: self._pending.pop(key) for key in keys}
        channels = {key: self._channels.pop(key) for key in keys if key in self._channels}
        since = {key: self._since.pop(key) for key in keys if key in self._since}
        usernames = {user_id: self._usernames[user_id] for user_id, _ in keys
                     if user_id in self._usernames}
        return pending, channels, usernames, since

    def _prune(self) -> None:
        now = time.monotonic()
        if now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        self._last_award = {k: v for k, v in self._last_award.items() if now - v[0] < v[1]}
