"""Wake-ups: any process tells the leader's scheduler "a row falls due at T".

One small interface, :class:`Wakeups`, with one implementation per coordination engine
(made by the deployment's backend, :meth:`core.coordination.Coordination.make_wakeups`;
it travels on the same engine as the bus, on a channel of its own):

- :class:`RedisWakeups`: Redis pub/sub, when ``[redis] url`` is set (many machines).
- :class:`PostgresWakeups`: ``LISTEN``/``NOTIFY`` on the database, for PostgreSQL
  without Redis.
- :class:`SocketWakeups`: a Unix datagram socket next to the SQLite file (one machine).
  The leader binds it; other processes ``sendto`` it; nobody listening is a no-op.
- :class:`LocalWakeups`: in-process only (``sqlite://:memory:`` and tests).

A wake-up is only a hint: rows are durable and the scheduler re-checks the database at
least every ``safety_recheck_seconds``, so a lost message delays a timer, never loses it.
``notify_created`` therefore never raises; it logs and carries on.

The channel belongs to the process's :class:`~core.leader.duties.LeaderDuties`, which
hands it to the scheduler and installs it for code that has no owner at hand: code that
inserts a timer row calls the module-level :func:`notify_created`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from core.coordination.transport import (
    DatagramReceiver,
    PostgresChannel,
    RedisChannel,
    short_socket_path,
)
from core.coordination.unix_datagram import bound_unix_datagram

log = logging.getLogger(__name__)
WakeCallback = Callable[[datetime], None]
PG_CHANNEL = "guildhall_wakeup"


def encode_due(due_at: datetime) -> bytes:
    """The wire form of a due time: POSIX seconds as ASCII (naive datetimes are UTC)."""
    if due_at.tzinfo is None:
        due_at = due_at.replace(tzinfo=UTC)
    return repr(due_at.timestamp()).encode()


def decode_due(payload: bytes | str) -> datetime | None:
    """The due time in a wake-up message, or ``None`` (logged) when it is malformed."""
    try:
        text = payload.decode() if isinstance(payload, bytes) else payload
        return datetime.fromtimestamp(float(text), UTC)
    except (ValueError, OverflowError, OSError, UnicodeDecodeError):
        log.warning("ignoring a malformed wake-up message: %r", payload[:64])
        return None


class Wakeups(ABC):
    """Cross-process "a timer row was created" channel between any process and the leader."""

    def __init__(self) -> None:
        self._callback: WakeCallback | None = None

    @abstractmethod
    async def notify_created(self, due_at: datetime) -> None:
        """Tell the leader (if any is listening) that a row falls due at ``due_at``."""

    @abstractmethod
    async def _start(self) -> None:
        """Begin delivering messages to ``self._deliver``."""

    @abstractmethod
    async def _stop(self) -> None:
        """Stop delivering messages."""

    async def listen(self, on_wake: WakeCallback) -> None:
        """Start calling ``on_wake(due_at)`` for every wake-up (the leader calls this)."""
        if self._callback is not None:
            raise RuntimeError("this Wakeups is already listening")
        self._callback = on_wake
        try:
            await self._start()
        except BaseException:
            self._callback = None
            raise

    async def stop_listening(self) -> None:
        """Stop calling the callback given to :meth:`listen` (safe when not listening)."""
        if self._callback is None:
            return
        self._callback = None
        await self._stop()

    async def close(self) -> None:
        """Stop listening and release connections."""
        await self.stop_listening()

    def _deliver(self, payload: bytes | str) -> None:
        due_at = decode_due(payload)
        callback = self._callback
        if due_at is not None and callback is not None:
            callback(due_at)


class LocalWakeups(Wakeups):
    """In-process wake-ups (no other process can reach them)."""

    async def notify_created(self, due_at: datetime) -> None:
        """Deliver to this process's listener, if any."""
        self._deliver(encode_due(due_at))

    async def _start(self) -> None:
        return None

    async def _stop(self) -> None:
        return None


def socket_path_for(database_file: Path) -> Path:
    """Where the wake-up socket of a SQLite database lives (next to it when short enough)."""
    return short_socket_path(database_file, ".wakeup")


class SocketWakeups(Wakeups):
    """A Unix datagram socket at ``path``: the leader binds it, others send to it."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._sender: socket.socket | None = None
        self._transport: asyncio.DatagramTransport | None = None
        self._inode: int | None = None

    async def notify_created(self, due_at: datetime) -> None:
        """Send one datagram; silently nothing when no leader is bound or it is backlogged."""
        if self._sender is None:
            self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self._sender.setblocking(False)
        try:
            self._sender.sendto(encode_due(due_at), os.fsencode(self.path))
        except (FileNotFoundError, ConnectionRefusedError, BlockingIOError):
            pass  # nobody listening, a stale socket file, or a full queue: the row is durable
        except OSError as exc:
            log.warning("wake-up to %s failed: %s", self.path, exc)

    async def _start(self) -> None:
        # A leftover file is a dead leader's socket or an old leader's during a hand-over;
        # either way the current leader takes the address.
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: DatagramReceiver(self._deliver), sock=bound_unix_datagram(self.path)
        )
        self._transport = transport
        self._inode = self.path.stat().st_ino

    async def _stop(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        with contextlib.suppress(FileNotFoundError):
            if self.path.stat().st_ino == self._inode:  # never unlink a newer leader's socket
                self.path.unlink()
        self._inode = None

    async def close(self) -> None:
        """Stop listening and close the sending socket."""
        await super().close()
        if self._sender is not None:
            self._sender.close()
            self._sender = None


class RedisWakeups(Wakeups):
    """Redis pub/sub on ``channel``; reconnects after a lost connection."""

    def __init__(self, url: str, channel: str) -> None:
        super().__init__()
        self.channel = channel
        self._pubsub = RedisChannel(url, channel)

    async def notify_created(self, due_at: datetime) -> None:
        """Publish the due time; a Redis error is logged, not raised."""
        try:
            await self._pubsub.publish(encode_due(due_at))
        except Exception as exc:  # a hint only: the safety re-check covers it
            log.warning("wake-up publish to Redis failed: %s", exc)

    async def _start(self) -> None:
        await self._pubsub.listen(self._deliver, "wakeups-redis")  # subscribed on return

    async def _stop(self) -> None:
        await self._pubsub.stop_listening()

    async def close(self) -> None:
        """Stop listening and close the Redis connection pool."""
        await super().close()
        await self._pubsub.close()


class PostgresWakeups(Wakeups):
    """PostgreSQL ``LISTEN``/``NOTIFY``: the leader listens on its own connection.

    ``notify_created`` uses the process's open ORM connection when there is one (no extra
    connection per worker), else a short-lived connection to ``dsn``.
    """

    def __init__(self, dsn: str, channel: str = PG_CHANNEL) -> None:
        super().__init__()
        self._pg = PostgresChannel(dsn, channel)

    async def notify_created(self, due_at: datetime) -> None:
        """``pg_notify(channel, due)``; a database error is logged, not raised."""
        try:
            await self._pg.notify(encode_due(due_at).decode())
        except Exception as exc:  # a hint only: the safety re-check covers it
            log.warning("wake-up NOTIFY failed: %s", exc)

    async def _start(self) -> None:
        await self._pg.listen(self._deliver)

    async def _stop(self) -> None:
        await self._pg.stop_listening()


_installed: Wakeups | None = None


def install(wakeups: Wakeups | None) -> None:
    """Make ``wakeups`` this process's channel for :func:`notify_created` (``None`` clears)."""
    global _installed
    _installed = wakeups


def installed() -> Wakeups | None:
    """This process's installed channel, if any."""
    return _installed


async def notify_created(due_at: datetime) -> None:
    """Call after a timer row was inserted AND committed: wakes the leader if ``due_at`` is
    earlier than its sleep. Without an installed channel it does nothing (the safety
    re-check still finds the row). Never raises.
    """
    if _installed is None:
        log.debug("notify_created(%s) with no wake-up channel installed", due_at)
        return
    await _installed.notify_created(due_at)
