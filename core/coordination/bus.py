"""The message bus between workers: every process of a deployment, on every machine.

``publish(topic, payload)`` sends a small JSON object to every process; each process runs
the handlers it subscribed to ``topic``. One interface, :class:`Bus`, one implementation
per coordination engine (made by the deployment's backend,
:meth:`core.coordination.Coordination.make_bus`):

- :class:`RedisBus`: Redis pub/sub, when ``[redis] url`` is set (many machines).
- :class:`PostgresBus`: ``LISTEN``/``NOTIFY`` on the database, for PostgreSQL without
  Redis (one listening connection per process).
- :class:`SocketBus`: SQLite (one machine): a directory next to the database file holds
  one Unix datagram socket per process; a publisher sends to every socket in it.
- :class:`LocalBus`: this process only (``sqlite://:memory:``, tests, tools).

Delivery contract:

- At most once, a hint. A message can be lost (a process restarting, Redis down, a full
  socket queue), so state lives in the database and caches keep a safety TTL.
- The publisher's own process always receives its message, exactly once, and before
  ``publish`` returns: its handlers run (and are awaited) inside ``publish``, so a
  caller never has to invalidate its own cache separately. Copies coming back through the
  transport are recognised by the bus's origin id and dropped.
- Other processes run sync handlers in arrival order; async handlers run as tasks.
- A payload is a JSON object of at most :data:`MAX_MESSAGE_BYTES` (PostgreSQL's NOTIFY
  limit is 8000 bytes); anything else is a ``TypeError``/``ValueError`` from
  :meth:`Bus.publish`. Transport failures are logged, never raised.

The bus belongs to its owner (``GuildhallBot.bus``, the dashboard's handle), which also
installs it as this process's bus for code that has no owner at hand (plugin services):
they call the module-level :func:`publish`, which never raises. Without an installed bus
messages reach only this process (:func:`current` is then a process-local bus).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import os
import socket
import uuid
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from core.coordination.transport import (
    DatagramReceiver,
    PostgresChannel,
    RedisChannel,
    short_socket_path,
)
from core.coordination.unix_datagram import bound_unix_datagram
from core.runtime.stopping import cancel_and_wait

log = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any]], Awaitable[None] | None]
PG_CHANNEL = "guildhall_bus"
MAX_MESSAGE_BYTES = 7900
HANDLER_STOP_SECONDS = 2.0  # running async handlers get this long after a stop
_SOCKET_NAME_BYTES = 17  # "/" + 16 hex digits per process


def encode(origin: str, topic: str, payload: dict[str, Any]) -> bytes:
    """The wire form of a message; ``TypeError``/``ValueError`` for a bad payload."""
    if not isinstance(topic, str) or not topic:
        raise ValueError("a bus topic must be a non-empty string")
    if not isinstance(payload, dict):
        raise TypeError(f"a bus payload must be a dict, not {type(payload).__name__}")
    data = json.dumps({"o": origin, "t": topic, "p": payload}, separators=(",", ":"))
    raw = data.encode()
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ValueError(f"bus message on {topic!r} is {len(raw)} bytes (max {MAX_MESSAGE_BYTES})")
    return raw


def decode(raw: bytes | str) -> tuple[str, str, dict[str, Any]] | None:
    """``(origin, topic, payload)`` of a message, or ``None`` (logged) when malformed."""
    try:
        message = json.loads(raw)
        origin, topic, payload = message["o"], message["t"], message["p"]
        if isinstance(origin, str) and isinstance(topic, str) and isinstance(payload, dict):
            return origin, topic, payload
    except (ValueError, TypeError, KeyError):
        pass
    log.warning("ignoring a malformed bus message: %r", raw[:64])
    return None


class Bus(ABC):
    """Publish JSON messages by topic to every process; run subscribed handlers."""

    def __init__(self) -> None:
        self.origin = uuid.uuid4().hex
        self._handlers: dict[str, list[Handler]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.started = False

    def subscribe(self, topic: str, handler: Handler) -> None:
        """Run ``handler(payload)`` for every message on ``topic`` (any time, also after
        :meth:`start`)."""
        self._handlers.setdefault(topic, []).append(handler)

    def unsubscribe(self, topic: str, handler: Handler) -> None:
        """Stop running ``handler`` for ``topic`` (no error when it was not subscribed)."""
        with contextlib.suppress(ValueError):
            self._handlers.get(topic, []).remove(handler)

    async def publish(self, topic: str, payload: dict[str, Any]) -> None:
        """Run this process's handlers (awaited), then send to every other process."""
        raw = encode(self.origin, topic, payload)
        for handler in list(self._handlers.get(topic, ())):
            try:
                result = handler(payload)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("bus handler %r for %r failed", handler, topic)
        try:
            await self._send(raw)
        except Exception as exc:  # a hint: receivers keep a safety TTL
            log.warning("bus publish on %r failed: %s", topic, exc)

    async def start(self) -> None:
        """Begin receiving other processes' messages (idempotent)."""
        if not self.started:
            await self._start()
            self.started = True

    async def stop(self) -> None:
        """Stop receiving, release connections, wait for running async handlers."""
        if self.started:
            self.started = False
            await self._stop()
        await self._close()
        await cancel_and_wait(list(self._tasks), HANDLER_STOP_SECONDS, "bus handler")

    @abstractmethod
    async def _send(self, raw: bytes) -> None:
        """Send ``raw`` to every other process (may raise; :meth:`publish` logs)."""

    @abstractmethod
    async def _start(self) -> None:
        """Begin calling ``self._received`` for incoming messages."""

    @abstractmethod
    async def _stop(self) -> None:
        """Stop receiving."""

    async def _close(self) -> None:
        """Release sending resources (override when there are any)."""
        return None

    def _received(self, raw: bytes | str) -> None:
        message = decode(raw)
        if message is None or message[0] == self.origin:
            return  # malformed, or our own copy (already delivered in publish)
        _, topic, payload = message
        for handler in list(self._handlers.get(topic, ())):
            try:
                result = handler(payload)
            except Exception:
                log.exception("bus handler %r for %r failed", handler, topic)
                continue
            if inspect.isawaitable(result):
                task = asyncio.ensure_future(self._await(handler, topic, result))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _await(handler: Handler, topic: str, result: Awaitable[None]) -> None:
        try:
            await result
        except Exception:
            log.exception("bus handler %r for %r failed", handler, topic)


class LocalBus(Bus):
    """This process only: ``publish`` runs the local handlers and sends nothing."""

    async def _send(self, raw: bytes) -> None:
        return None

    async def _start(self) -> None:
        return None

    async def _stop(self) -> None:
        return None


class RedisBus(Bus):
    """Redis pub/sub on ``channel`` (all topics share it); reconnects after outages."""

    def __init__(self, url: str, channel: str) -> None:
        super().__init__()
        self.channel = channel
        self._pubsub = RedisChannel(url, channel)

    async def _send(self, raw: bytes) -> None:
        await self._pubsub.publish(raw)

    async def _start(self) -> None:
        await self._pubsub.listen(self._received, "bus")

    async def _stop(self) -> None:
        await self._pubsub.stop_listening()

    async def _close(self) -> None:
        await self._pubsub.close()


class PostgresBus(Bus):
    """``LISTEN``/``NOTIFY`` on ``channel``; sends through the ORM pool when it is open."""

    def __init__(self, dsn: str, channel: str = PG_CHANNEL) -> None:
        super().__init__()
        self._pg = PostgresChannel(dsn, channel)

    async def _send(self, raw: bytes) -> None:
        await self._pg.notify(raw.decode())

    async def _start(self) -> None:
        await self._pg.listen(self._received)

    async def _stop(self) -> None:
        await self._pg.stop_listening()


def bus_directory_for(database_file: Path) -> Path:
    """The directory of per-process bus sockets of a SQLite database (next to it)."""
    return short_socket_path(database_file, ".bus", reserve=_SOCKET_NAME_BYTES)


class SocketBus(Bus):
    """One Unix datagram socket per process in ``directory``; publish sends to them all.

    A socket file nobody is bound to (a process that died) refuses the datagram and is
    removed by the sender. A receiver whose queue is full loses the message (a hint).
    """

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory
        self.path = directory / self.origin[:16]
        self._sender: socket.socket | None = None
        self._transport: asyncio.DatagramTransport | None = None

    async def _send(self, raw: bytes) -> None:
        if self._sender is None:
            self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self._sender.setblocking(False)
        try:
            peers = [p for p in self.directory.iterdir() if p != self.path]
        except FileNotFoundError:
            return  # no process has started a bus yet
        for peer in peers:
            try:
                self._sender.sendto(raw, os.fsencode(peer))
            except ConnectionRefusedError:
                with contextlib.suppress(FileNotFoundError):
                    peer.unlink()  # a dead process's socket
            except (FileNotFoundError, BlockingIOError):
                pass  # gone meanwhile, or its queue is full
            except OSError as exc:
                log.warning("bus message to %s failed: %s", peer, exc)

    async def _start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: DatagramReceiver(self._received), sock=bound_unix_datagram(self.path)
        )
        self._transport = transport

    async def _stop(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    async def _close(self) -> None:
        if self._sender is not None:
            self._sender.close()
            self._sender = None


_local = LocalBus()
_installed: Bus | None = None


def install(bus: Bus | None) -> None:
    """Make ``bus`` this process's bus for :func:`publish` (``None`` clears)."""
    global _installed
    _installed = bus


def current() -> Bus:
    """This process's installed bus, or a process-local one when none is installed."""
    return _installed if _installed is not None else _local


async def publish(topic: str, payload: dict[str, Any]) -> None:
    """Publish on :func:`current`; never raises (a bad payload or failure is logged)."""
    try:
        await current().publish(topic, payload)
    except Exception:
        log.exception("bus publish on %r failed", topic)
