"""TtlCache: single-flight loading, expiry, bounds, invalidation during a load."""

from __future__ import annotations

import asyncio

import pytest

from core.services.cache import TtlCache


async def test_concurrent_gets_load_once() -> None:
    cache: TtlCache[int, str] = TtlCache(10, 60)
    calls = 0
    gate = asyncio.Event()

    async def load() -> str:
        nonlocal calls
        calls += 1
        await gate.wait()
        return "row"

    waiters = [asyncio.create_task(cache.get(1, load)) for _ in range(50)]
    await asyncio.sleep(0)
    assert cache.peek(1) is None
    gate.set()
    assert await asyncio.gather(*waiters) == ["row"] * 50
    assert calls == 1
    assert cache.peek(1) == "row"
    assert await cache.get(1, load) == "row" and calls == 1


async def test_a_failed_load_reaches_every_waiter_and_is_not_cached() -> None:
    cache: TtlCache[int, str] = TtlCache(10, 60)
    gate = asyncio.Event()

    async def broken() -> str:
        await gate.wait()
        raise RuntimeError("database down")

    waiters = [asyncio.create_task(cache.get(1, broken)) for _ in range(3)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*waiters, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)

    async def fine() -> str:
        return "back"

    assert await cache.get(1, fine) == "back"


async def test_invalidate_during_a_load_keeps_the_stale_value_out() -> None:
    cache: TtlCache[int, str] = TtlCache(10, 60)
    gate = asyncio.Event()

    async def slow() -> str:
        await gate.wait()
        return "old"

    loading = asyncio.create_task(cache.get(1, slow))
    await asyncio.sleep(0)
    cache.invalidate(1)
    gate.set()
    assert await loading == "old"  # the caller still gets its answer ...
    assert cache.peek(1) is None  # ... but the next reader loads afresh


async def test_entries_expire_and_the_oldest_are_dropped() -> None:
    cache: TtlCache[int, int] = TtlCache(2, 0.05)
    for key in (1, 2, 3):
        cache.put(key, key)
    assert len(cache) == 2 and cache.peek(1) is None and cache.peek(3) == 3
    await asyncio.sleep(0.06)
    assert cache.peek(3) is None
    disabled: TtlCache[int, int] = TtlCache(0, 60)
    disabled.put(1, 1)
    assert disabled.peek(1) is None


@pytest.mark.parametrize("size", [1, 100])
async def test_get_after_expiry_reloads(size: int) -> None:
    cache: TtlCache[str, int] = TtlCache(size, 0.01)
    values = iter(range(10))

    async def load() -> int:
        return next(values)

    assert await cache.get("k", load) == 0
    await asyncio.sleep(0.02)
    assert await cache.get("k", load) == 1


async def test_stale_entries_keep_answering_and_are_marked_due() -> None:
    cache: TtlCache[int, str] = TtlCache(10, 0.05, max_stale=0.1)
    cache.put(1, "old")
    cache.put(2, "other")
    assert cache.take_due() == []
    await asyncio.sleep(0.06)
    assert cache.peek(1) == "old"  # stale, still served by peek ...
    assert cache.take_due() == [1]  # ... and due for a reload
    assert cache.take_due() == []

    async def fresh() -> str:
        return "new"

    assert await cache.get(1, fresh) == "new"  # get never answers past the TTL
    cache.peek(2)
    cache.invalidate(2)
    assert cache.take_due() == []  # forgotten keys are not reloaded
    await asyncio.sleep(0.16)
    assert cache.peek(1) is None  # past TTL + max_stale: gone for peek too


async def test_ttl_for_gives_some_values_a_shorter_validity() -> None:
    cache: TtlCache[int, str] = TtlCache(
        10, 60, max_stale=60, ttl_for=lambda v: 0.05 if v == "stand-in" else None)
    cache.put(1, "stand-in")
    cache.put(2, "row")
    assert cache.peek(1) == "stand-in" and cache.take_due() == []
    await asyncio.sleep(0.06)
    assert (cache.peek(1), cache.peek(2)) == ("stand-in", "row")
    assert cache.take_due() == [1]  # only the short-lived one is due for a reload

    async def stored() -> str:
        return "row"

    assert await cache.get(1, stored) == "row"  # past its validity: get loads again
    assert await cache.get(2, stored) == "row" and cache.take_due() == []
