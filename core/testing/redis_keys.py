"""The test kit's Redis keys: one namespace per test, removed when the test ends.

Every Redis key a test's settings can make (leader lease and its ``:epoch`` counter,
wake-ups, bus, identify and status keys) lies under ``guildhall-test:<random>:``, so
tests sharing one Redis never see each other's keys, and :func:`remove_namespace`
deletes exactly what the test made. Keys a crashed run left behind expire: the sweep
gives any key under ``guildhall-test:`` without a time to live one of
:data:`LEFTOVER_TTL_SECONDS`.
"""

from __future__ import annotations

import uuid

import redis.asyncio as aioredis

PREFIX = "guildhall-test"
LEFTOVER_TTL_SECONDS = 3600


def new_namespace() -> str:
    """A fresh namespace for one test's keys: ``guildhall-test:<12 hex digits>``."""
    return f"{PREFIX}:{uuid.uuid4().hex[:12]}"


async def remove_namespace(url: str, namespace: str) -> int:
    """Delete every key under ``namespace:``; return how many were deleted."""
    client = aioredis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{namespace}:*", count=500)]
        return await client.delete(*keys) if keys else 0
    finally:
        await client.aclose()


async def expire_leftovers(url: str) -> int:
    """Give keys under ``guildhall-test:`` with no expiry one (crashed runs); return how many."""
    client = aioredis.from_url(url)
    try:
        count = 0
        async for key in client.scan_iter(match=f"{PREFIX}:*", count=500):
            if await client.ttl(key) == -1:
                count += await client.expire(key, LEFTOVER_TTL_SECONDS)
        return count
    finally:
        await client.aclose()
