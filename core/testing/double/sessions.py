"""Gateway sessions and websocket connections (compressed framing, ordered writer).

Transport compression (``?compress=``): ``zlib-stream`` is one persistent zlib stream per
connection, each frame ending with the Z_SYNC_FLUSH suffix; ``zstd-stream`` is one persistent
zstd stream, each frame a flushed block. Payload compression (IDENTIFY ``compress: true``,
without transport compression): every frame after the IDENTIFY is a standalone zlib
message in a binary frame.
"""

from __future__ import annotations

import asyncio
import json
import time
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

try:
    import orjson
except ImportError:  # an optional speed-up (the "speed" and dev extras install it)
    orjson = None  # type: ignore[assignment]

SEND_LIMIT = 120  # gateway frames a client may send per SEND_WINDOW seconds (close 4008 past it)
SEND_WINDOW = 60.0


@dataclass
class IdentifyRecord:
    """One IDENTIFY the gateway received."""

    shard_id: int
    shard_count: int
    bucket: int
    time: float
    accepted: bool
    reason: str | None = None
    session_id: str | None = None


@dataclass
class Session:
    """A gateway session: survives disconnects until invalidated or expired."""

    id: str
    shard_id: int
    shard_count: int
    intents: int
    buffer_size: int
    seq: int = 0
    conn: Connection | None = None
    invalid: bool = False
    disconnected_at: float | None = None
    resumes: int = 0
    buffer: deque[dict[str, Any]] = field(default_factory=deque)

    def push(self, event: str, data: Any) -> None:
        """Sequence an event, keep it for replay and send it if connected.

        ``data`` may be a function building the payload: it is called when the frame is
        written (or read from :attr:`buffer`), so thousands of queued GUILD_CREATEs at
        start-up cost no memory until their turn.
        """
        self.seq += 1
        payload: dict[str, Any] = (
            LazyFrame(data, op=0, t=event, s=self.seq) if callable(data)
            else {"op": 0, "t": event, "s": self.seq, "d": data}
        )
        self.buffer.append(payload)
        while len(self.buffer) > self.buffer_size:
            self.buffer.popleft()
        if self.conn is not None:
            self.conn.send(payload)


class LazyFrame(dict[str, Any]):
    """A dispatch frame whose ``d`` is built by ``build`` each time it is read or sent."""

    __slots__ = ("build",)

    def __init__(self, build: Callable[[], Any], **frame: Any) -> None:
        super().__init__(**frame)
        self.build = build

    def __missing__(self, key: str) -> Any:
        if key == "d":
            return self.build()
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        """Like ``dict.get``; ``d`` is built."""
        return self[key] if key == "d" or key in self else default

    def built(self) -> dict[str, Any]:
        """A plain frame with ``d`` built."""
        return {**self, "d": self.build()}


class Connection:
    """One websocket connection; a writer task sends queued frames in order.

    The writer yields to the event loop between frames: writes rarely block, so a session's
    thousands of start-up GUILD_CREATEs would otherwise be written in one stretch, during
    which no other connection's frame is read. Discord's gateway notes an IDENTIFY when it
    arrives; a double that reads it a second late would judge the client's pacing wrong.
    """

    def __init__(
        self, ws: web.WebSocketResponse, request: web.Request, transport: str | None
    ) -> None:
        self.ws = ws
        self.request = request
        self.transport = transport  # "zlib-stream", "zstd-stream" or None
        self.payload_compress = False  # IDENTIFY "compress": true
        self._zlib = zlib.compressobj()
        self._zstd = _zstd_stream() if transport == "zstd-stream" else None
        self.last_heartbeat = time.monotonic()
        self._queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.session: Session | None = None
        self.heartbeats = 0
        self._sends: deque[float] = deque()
        self.writer = asyncio.create_task(self._write())

    def over_send_limit(self, now: float) -> bool:
        """Record one client frame; True past Discord's 120 frames per 60 seconds."""
        while self._sends and now - self._sends[0] >= SEND_WINDOW:
            self._sends.popleft()
        self._sends.append(now)
        return len(self._sends) > SEND_LIMIT

    def send(self, payload: dict[str, Any]) -> None:
        """Queue a payload for sending."""
        self._queue.put_nowait(("send", payload))

    def close(self, code: int, message: str = "") -> None:
        """Queue a close frame (sent after everything queued before it)."""
        self._queue.put_nowait(("close", (code, message)))

    def abort(self) -> None:
        """Drop the TCP connection without a close frame."""
        transport = self.request.transport
        if transport is not None:
            transport.abort()

    def _encode(self, raw: bytes) -> bytes | None:
        """The compressed frame, or None to send ``raw`` as text."""
        if self.transport == "zlib-stream":
            return self._zlib.compress(raw) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
        if self._zstd is not None:
            import zstandard

            return self._zstd.compress(raw) + self._zstd.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
        if self.payload_compress:
            return zlib.compress(raw)
        return None

    async def _write(self) -> None:
        while True:
            kind, arg = await self._queue.get()
            try:
                if kind == "close":
                    code, message = arg
                    await self.ws.close(code=code, message=message.encode())
                    return
                if isinstance(arg, LazyFrame):
                    arg = arg.built()
                raw = encode_frame(arg)
                data = self._encode(raw.encode())
                if data is None:
                    await self.ws.send_str(raw)
                else:
                    await self.ws.send_bytes(data)
                if not self._queue.empty():
                    await asyncio.sleep(0)  # a turn for the others between frames (below)
            except (ConnectionError, RuntimeError):
                return


def encode_frame(payload: dict[str, Any]) -> str:
    """A frame's compact JSON: orjson when installed (the double's biggest cost at 100,000
    guilds is encoding), else the standard library."""
    if orjson is not None:
        try:
            return orjson.dumps(payload).decode()
        except TypeError:  # a value orjson refuses (an int beyond 64 bits): the slow way
            pass
    return json.dumps(payload, separators=(",", ":"))


def zstd_available() -> bool:
    """Whether ``zstandard`` is installed (zstd-stream is offered only then)."""
    try:
        import zstandard  # noqa: F401
    except ImportError:
        return False
    return True


def _zstd_stream() -> Any:
    import zstandard

    return zstandard.ZstdCompressor().compressobj()
