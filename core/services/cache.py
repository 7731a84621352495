"""A bounded in-process cache with expiry and single-flight loading, for hot-path reads.

The message hot path reads per-guild settings on every message. :meth:`TtlCache.peek`
answers from memory without awaiting anything; :meth:`TtlCache.get` loads a missing or
expired entry once however many callers ask at the same moment (the others wait for that
one load instead of each querying the database: no stampede when a busy guild's entry
expires or the bot starts).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
# ``max_stale`` for per-guild settings: a stale entry is served (and reloaded in bulk) however
# long its guild was quiet; a bound would make the first message of every guild quiet for
# longer than ``ttl + max_stale`` load its settings alone, which in a worker of 12,500
# guilds is nearly every message (issue #23; tests/bench/guild_cpu.py)
UNTIL_RELOADED = math.inf
BULK_CHUNK = 500  # keys per bulk query: far below both engines' parameter limits
ChunkLoader = Callable[[list[K]], Awaitable[Mapping[K, V]]]
_monotonic = time.monotonic  # a module global: one lookup less per hot-path read (and a
# clock a bench can shift to age every entry: tests/bench/guild_cpu.py)


class TtlCache(Generic[K, V]):
    """Up to ``size`` entries (least recently loaded dropped first), each valid ``ttl`` s.

    With ``max_stale`` > 0, :meth:`peek` keeps answering for that long after an entry
    expired and marks it due; the owner reloads every due key in bulk (:meth:`take_due`),
    so a busy guild never waits for a reload and many guilds cost one query.
    ``ttl_for(value)``, when given, may return a shorter validity for one value (e.g. a
    stand-in served while the database refuses writes); ``None`` keeps ``ttl``.
    """

    def __init__(
        self, size: int, ttl: float, max_stale: float = 0.0,
        ttl_for: Callable[[V], float | None] | None = None,
    ) -> None:
        self.size = size
        self.ttl = ttl
        self.max_stale = max_stale
        self.ttl_for = ttl_for
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._loading: dict[K, asyncio.Future[V]] = {}
        self._due: set[K] = set()

    def __len__(self) -> int:
        return len(self._entries)

    def peek(self, key: K) -> V | None:
        """The cached value when present and fresh (or stale but servable), else ``None``.

        Never awaits; a stale answer marks the key due for the next bulk reload.
        """
        entry = self._entries.get(key)
        if entry is None:
            return None
        age = _monotonic() - entry[0]
        if age < self.ttl:
            return entry[1]
        if age < self.ttl + self.max_stale:
            self._due.add(key)
            return entry[1]
        return None

    def take_due(self) -> list[K]:
        """The keys served stale since the last call (still cached), to reload in bulk."""
        due, self._due = self._due, set()
        return [key for key in due if key in self._entries]

    async def warm(self, keys: Iterable[K], load_chunk: ChunkLoader[K, V]) -> int:
        """Load, ``BULK_CHUNK`` keys per ``load_chunk`` call, the keys not cached fresh (at
        most ``size``); return how many. For a shard becoming ready: its guilds in bulk."""
        todo = [key for key in keys if self.peek(key) is None][: self.size]
        await self._load_chunks(todo, load_chunk)
        return len(todo)

    async def refresh_due(self, load_chunk: ChunkLoader[K, V]) -> int:
        """Reload in bulk the keys served stale since the last call; return how many."""
        due = self.take_due()
        await self._load_chunks(due, load_chunk)
        return len(due)

    async def _load_chunks(self, keys: list[K], load_chunk: ChunkLoader[K, V]) -> None:
        for start in range(0, len(keys), BULK_CHUNK):
            for key, value in (await load_chunk(keys[start:start + BULK_CHUNK])).items():
                self.put(key, value)

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The cached value, or ``await load()`` once for every concurrent caller."""
        entry = self._entries.get(key)
        if entry is not None and _monotonic() - entry[0] < self.ttl:
            return entry[1]
        pending = self._loading.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        try:
            value = await load()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning without waiters
            raise
        else:
            future.set_result(value)
            if self._loading.get(key) is future:  # not invalidated while loading
                self.put(key, value)
            return value
        finally:
            if self._loading.get(key) is future:
                del self._loading[key]

    def put(self, key: K, value: V) -> None:
        """Store ``value`` as fresh now (valid ``ttl``, or what ``ttl_for`` says)."""
        if self.size <= 0:
            return
        loaded = _monotonic()
        if self.ttl_for is not None and (ttl := self.ttl_for(value)) is not None:
            loaded -= max(self.ttl - ttl, 0.0)  # stamped earlier: expires after ``ttl``
        self._entries[key] = (loaded, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def invalidate(self, key: K) -> None:
        """Forget ``key``; a load already running for it will not be stored."""
        self._entries.pop(key, None)
        self._loading.pop(key, None)
        self._due.discard(key)
