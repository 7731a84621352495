"""Recording of every REST request plus a small "wait until something matches" helper."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Waiters(Generic[T]):
    """Futures waiting for an item matching a predicate; each item is handed out once."""

    def __init__(self) -> None:
        self._items: list[T] = []
        self._consumed: set[int] = set()
        self._waiters: list[tuple[Callable[[T], bool], asyncio.Future[T]]] = []

    @property
    def items(self) -> list[T]:
        """All items seen so far, in order."""
        return list(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items))

    def __getitem__(self, index: int) -> T:
        return self._items[index]

    def push(self, item: T) -> None:
        """Record ``item`` and resolve the first waiter whose predicate matches it."""
        self._items.append(item)
        index = len(self._items) - 1
        for pred, fut in list(self._waiters):
            if fut.done():
                self._waiters.remove((pred, fut))
                continue
            if pred(item):
                self._waiters.remove((pred, fut))
                self._consumed.add(index)
                fut.set_result(item)
                return

    async def wait(self, pred: Callable[[T], bool], timeout: float) -> T:  # noqa: ASYNC109
        """Return the first not-yet-returned item matching ``pred``, waiting up to ``timeout``."""
        for index, item in enumerate(self._items):
            if index not in self._consumed and pred(item):
                self._consumed.add(index)
                return item
        fut: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiters.append((pred, fut))
        try:
            return await asyncio.wait_for(fut, timeout)
        finally:
            if (pred, fut) in self._waiters:
                self._waiters.remove((pred, fut))


@dataclass
class RecordedRequest:
    """One REST request as the double saw it."""

    method: str
    route: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    timestamp: float = field(default_factory=time.monotonic)
    wall_time: float = field(default_factory=time.time)
    status: int | None = None
    files: list[str] = field(default_factory=list)
    unserved: bool = False  # no double route matched: answered 404/405 as Discord does

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        """The ``allowed_mentions`` object sent in the body (top level or ``data``), if any."""
        if not isinstance(self.json, dict):
            return None
        if "allowed_mentions" in self.json:
            return self.json["allowed_mentions"]
        data = self.json.get("data")
        if isinstance(data, dict):
            return data.get("allowed_mentions")
        return None

    @property
    def audit_log_reason(self) -> str | None:
        """The decoded ``X-Audit-Log-Reason`` header, if sent."""
        return self.headers.get("X-Audit-Log-Reason")

    def matches(
        self, method: str | None = None, route: str | None = None, path: str | None = None
    ) -> bool:
        """Whether this request has the given method / route template / concrete path."""
        return (
            (method is None or self.method == method.upper())
            and (route is None or self.route == route)
            and (path is None or self.path == path)
        )


class RequestLog(Waiters[RecordedRequest]):
    """The list of recorded requests with filtering and waiting."""

    def filter(
        self,
        method: str | None = None,
        route: str | None = None,
        path: str | None = None,
        check: Callable[[RecordedRequest], bool] | None = None,
    ) -> list[RecordedRequest]:
        """Recorded requests matching method / route template / path / predicate."""
        return [
            r for r in self._items if r.matches(method, route, path) and (check is None or check(r))
        ]

    async def wait_for(
        self,
        method: str | None = None,
        route: str | None = None,
        *,
        path: str | None = None,
        check: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> RecordedRequest:
        """Wait for a matching request (already-recorded ones count unless returned before)."""

        def pred(r: RecordedRequest) -> bool:
            return r.matches(method, route, path) and (check is None or check(r))

        return await self.wait(pred, timeout)
