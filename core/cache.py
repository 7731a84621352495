"""A bounded in-process cache with expiry and single-flight loading, for hot-path reads.

The message hot path reads per-guild settings on every message. :meth:`TtlCache.peek`
answers from memory without awaiting anything; :meth:`TtlCache.get` loads a missing or
expired entry once however many callers ask at the same moment (the others wait for that
one load instead of each querying the database: no stampede when a busy guild's entry
expires or the bot starts).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
_monotonic = time.monotonic  # a module global: one lookup less per hot-path read


class TtlCache(Generic[K, V]):
    """Up to ``size`` entries (least recently loaded dropped first), each valid ``ttl`` s."""

    def __init__(self, size: int, ttl: float) -> None:
        self.size = size
        self.ttl = ttl
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._loading: dict[K, asyncio.Future[V]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def peek(self, key: K) -> V | None:
        """The cached value when present and fresh, else ``None`` (never awaits)."""
        entry = self._entries.get(key)
        if entry is None or _monotonic() - entry[0] >= self.ttl:
            return None
        return entry[1]

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The cached value, or ``await load()`` once for every concurrent caller."""
        entry = self._entries.get(key)
        if entry is not None and time.monotonic() - entry[0] < self.ttl:
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
        """Store ``value`` as fresh now."""
        if self.size <= 0:
            return
        self._entries[key] = (time.monotonic(), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def invalidate(self, key: K) -> None:
        """Forget ``key``; a load already running for it will not be stored."""
        self._entries.pop(key, None)
        self._loading.pop(key, None)
