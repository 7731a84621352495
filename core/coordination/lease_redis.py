"""The leader lease in Redis: ``SET key token NX PX ttl`` plus a fencing counter.

Every win runs one Lua script that does ``SET key token NX PX ttl`` and, when it
succeeded, ``INCR <key>:epoch`` - atomically, so a win always carries a fresh epoch and
an epoch is never handed out without a win. Renew (``PEXPIRE``) and release (``DEL``)
are scripts that act only while the value is still this backend's token. A failed win
returns the holder's remaining ``PTTL`` so candidates try again right when it ends.

The two keys must live on one server (not split across a Redis Cluster).
"""

from __future__ import annotations

import uuid

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from core.coordination.lease import Attempt, LeaseNotHeld

_ACQUIRE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('INCR', KEYS[2])}
end
return {0, redis.call('PTTL', KEYS[1])}
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
_RAISE_EPOCH = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
local epoch = tonumber(redis.call('GET', KEYS[2]) or '0')
if epoch < tonumber(ARGV[2]) then
  epoch = tonumber(ARGV[2])
  redis.call('SET', KEYS[2], epoch)
end
return epoch
"""


def new_token(identity: str) -> str:
    """A unique lease value naming the holder (readable in ``redis-cli GET``)."""
    return f"{identity}:{uuid.uuid4().hex}"


class RedisLease:
    """A lease on one Redis key, with the fencing counter at ``<key>:epoch``."""

    def __init__(
        self, url: str, key: str, ttl_seconds: float, identity: str,
        *, op_timeout: float = 2.0,
    ) -> None:
        self.key = key
        self.epoch_key = f"{key}:epoch"
        self.ttl_ms = max(1, int(ttl_seconds * 1000))
        self.identity = identity
        self.token: str | None = None
        self.description = f"redis lease {key!r}"
        # No hidden retries: the elector bounds every call by the lease deadline and
        # decides itself when to try again.
        self.client = aioredis.Redis.from_url(
            url,
            socket_timeout=op_timeout,
            socket_connect_timeout=op_timeout,
            retry=Retry(NoBackoff(), 0),
            decode_responses=True,
        )
        self._acquire = self.client.register_script(_ACQUIRE)
        self._renew = self.client.register_script(_RENEW)
        self._release = self.client.register_script(_RELEASE)
        self._raise = self.client.register_script(_RAISE_EPOCH)

    async def try_acquire(self) -> Attempt:
        """Win with a fresh token and epoch, or report the holder's remaining time."""
        token = new_token(self.identity)
        won, value = await self._acquire(
            keys=[self.key, self.epoch_key], args=[token, self.ttl_ms]
        )
        if int(won) == 1:
            self.token = token
            return Attempt(won=True, epoch=int(value))
        remaining_ms = int(value)
        return Attempt(won=False, retry_after=remaining_ms / 1000 if remaining_ms > 0 else 0.0)

    async def renew(self) -> bool:
        """``PEXPIRE`` the key only while it still holds our token."""
        if self.token is None:
            return False
        ok = int(await self._renew(keys=[self.key], args=[self.token, self.ttl_ms])) == 1
        if not ok:
            self.token = None
        return ok

    async def raise_epoch(self, at_least: int) -> int:
        """Lift ``<key>:epoch`` to ``at_least`` (e.g. after Redis lost its data)."""
        if self.token is None:
            raise LeaseNotHeld(f"{self.description}: not held")
        epoch = int(await self._raise(keys=[self.key, self.epoch_key],
                                      args=[self.token, at_least]))
        if epoch < 0:
            self.token = None
            raise LeaseNotHeld(f"{self.description}: taken by another process")
        return epoch

    async def release(self) -> bool:
        """Delete the key only while it still holds our token."""
        token, self.token = self.token, None
        if token is None:
            return False
        return int(await self._release(keys=[self.key], args=[token])) == 1

    async def close(self) -> None:
        """Close the connection pool (the lease must already be released or lost)."""
        await self.client.aclose()
