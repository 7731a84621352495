"""Transport pieces shared by the cross-process channels.

Used by :mod:`core.coordination.wakeups` and :mod:`core.coordination.bus`.

- :func:`short_socket_path`: a Unix socket path next to the database file, or a hashed
  name in the temp directory when that path would not fit ``sun_path``.
- :class:`DatagramReceiver`: an asyncio protocol handing every datagram to a callback.
- :func:`redis_listen`: a task reading one Redis pub/sub channel, reconnecting after outages.
- :func:`pg_notify`: ``pg_notify`` through the open ORM pool, else a short-lived connection.
- :class:`RedisChannel`, :class:`PostgresChannel`: one pub/sub channel each, to send on
  and to listen to.

Every channel built from these is a hint: senders log failures, never raise them.
Stopping and closing a channel is bounded by ``CLOSE_SECONDS`` per step, whatever the
client library's teardown does (a stuck one is logged and left behind).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import redis.asyncio as aioredis
from tortoise import Tortoise, connections

from core.db.database import CONNECTION
from core.runtime.stopping import cancel_and_wait, finish_within

log = logging.getLogger(__name__)
CLOSE_SECONDS = 2.0  # one teardown step (unsubscribe, close a pool or a connection)
MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux
Deliver = Callable[[bytes], None]


def short_socket_path(database_file: Path, suffix: str, reserve: int = 0) -> Path:
    """``<database file><suffix>`` when it (plus ``reserve`` bytes) fits a socket address,
    else ``guildhall<suffix>-<hash>`` in the temp directory (same database, same path)."""
    path = database_file.resolve().with_name(database_file.name + suffix)
    if len(os.fsencode(path)) + reserve <= MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha256(os.fsencode(path)).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"guildhall{suffix.replace('.', '-')}-{digest}"


class DatagramReceiver(asyncio.DatagramProtocol):
    """Calls ``deliver(data)`` for every datagram received."""

    def __init__(self, deliver: Deliver) -> None:
        self.deliver = deliver

    def datagram_received(self, data: bytes, addr: Any) -> None:
        """Hand the datagram to the callback."""
        self.deliver(data)


async def _subscribed(client: aioredis.Redis, channel: str) -> Any:
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(channel)
    return pubsub


async def redis_listen(
    client: aioredis.Redis, channel: str, deliver: Deliver, name: str
) -> asyncio.Task[None]:
    """Subscribe to ``channel`` (done when this returns), then deliver every message from
    a task; the subscription is re-made after a lost connection. Cancel the task to stop."""
    pubsub = await _subscribed(client, channel)

    async def read() -> None:
        nonlocal pubsub
        while True:
            try:
                message = await pubsub.get_message(timeout=5.0)
                if message is not None and message.get("type") == "message":
                    deliver(message["data"])
            except asyncio.CancelledError:
                # redis-py shields this teardown from cancellation: bound it ourselves.
                await finish_within(pubsub.aclose(), CLOSE_SECONDS, f"{name}: unsubscribing")
                raise
            except Exception as exc:  # keep listening through outages
                log.warning("%s: Redis subscription failed, retrying: %s", name, exc)
                await asyncio.sleep(1.0)
                await finish_within(pubsub.aclose(), CLOSE_SECONDS,
                                    f"{name}: dropping the failed subscription")
                with contextlib.suppress(Exception):
                    pubsub = await _subscribed(client, channel)

    return asyncio.create_task(read(), name=name)


class RedisChannel:
    """One Redis pub/sub channel: :meth:`publish` to it, :meth:`listen` to it from a task."""

    def __init__(self, url: str, channel: str) -> None:
        self.url = url
        self.channel = channel
        self._client: aioredis.Redis | None = None
        self._reader: asyncio.Task[None] | None = None

    def _redis(self) -> aioredis.Redis:
        if self._client is None:
            self._client = aioredis.from_url(self.url)
        return self._client

    async def publish(self, data: bytes) -> None:
        """Publish ``data`` (raises on a Redis error)."""
        await self._redis().publish(self.channel, data)

    async def listen(self, deliver: Deliver, name: str) -> None:
        """Deliver every message from now on (subscribed when this returns)."""
        self._reader = await redis_listen(self._redis(), self.channel, deliver, name)

    async def stop_listening(self) -> None:
        """Stop the reader task (safe when not listening)."""
        reader, self._reader = self._reader, None
        if reader is not None:
            await cancel_and_wait({reader}, 2 * CLOSE_SECONDS, f"redis channel {self.channel!r}")

    async def close(self) -> None:
        """Stop listening and close the connection pool."""
        await self.stop_listening()
        client, self._client = self._client, None
        if client is not None:
            await finish_within(client.aclose(), CLOSE_SECONDS,
                                f"closing the Redis pool of {self.channel!r}")


class PostgresChannel:
    """One ``LISTEN``/``NOTIFY`` channel; listening holds a connection of its own."""

    def __init__(self, dsn: str, channel: str) -> None:
        self.dsn = dsn
        self.channel = channel
        self._listener: asyncpg.Connection | None = None

    async def notify(self, payload: str) -> None:
        """``pg_notify`` (raises on a database error)."""
        await pg_notify(self.dsn, self.channel, payload)

    async def listen(self, deliver: Callable[[str], None]) -> None:
        """Deliver every notification's payload from now on."""
        self._listener = await asyncpg.connect(self.dsn)
        await self._listener.add_listener(
            self.channel, lambda _conn, _pid, _channel, payload: deliver(payload)
        )

    async def stop_listening(self) -> None:
        """Close the listening connection (safe when not listening)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                await listener.close(timeout=CLOSE_SECONDS)
            except Exception as exc:  # a server that does not answer: drop the socket
                log.debug("closing the LISTEN connection of %r failed: %r", self.channel, exc)
                listener.terminate()


def orm_client() -> Any:
    """This process's open ORM connection, or ``None``."""
    if not Tortoise.is_inited():
        return None
    try:
        return connections.get(CONNECTION)
    except (RuntimeError, KeyError):
        return None


async def pg_notify(dsn: str, channel: str, payload: str) -> None:
    """``SELECT pg_notify(channel, payload)`` on the open ORM pool when it is PostgreSQL (no
    extra connection per worker), else on a short-lived connection to ``dsn``. Raises."""
    client = orm_client()
    if client is not None and client.schema_generator.DIALECT == "postgres":
        await client.execute_query("SELECT pg_notify($1, $2)", [channel, payload])
        return
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT pg_notify($1, $2)", channel, payload)
    finally:
        await conn.close()
