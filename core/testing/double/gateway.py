"""The gateway websocket: HELLO, heartbeats, IDENTIFY/RESUME, sessions, sharded dispatch.

Frames are JSON; ``compress=zlib-stream`` / ``zstd-stream`` and the IDENTIFY ``compress``
flag compress them (see :mod:`.sessions`).

Identify rate limiting follows Discord's docs: one IDENTIFY per rate-limit key
(``shard_id % max_concurrency``) per window (5 s on Discord); an IDENTIFY that
exceeds it is answered with opcode 9 INVALID_SESSION ``d=false`` and counted in
:attr:`Gateway.identify_violations` (no session is created, the socket stays open).
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
import uuid
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .ids import shard_for
from .payloads import guild_create_json, member_json, user_json
from .sessions import Connection, IdentifyRecord, Session, zstd_available

if TYPE_CHECKING:
    from .server import DiscordDouble

API_VERSION = "10"
DISCORD_HEARTBEAT_MS = 41_250
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_MODERATION = 1 << 2
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT

_GUILD_EVENT_INTENTS = {
    "GUILD_MEMBER_ADD": GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": GUILD_MEMBERS,
    "GUILD_BAN_ADD": GUILD_MODERATION,
    "GUILD_BAN_REMOVE": GUILD_MODERATION,
    "MESSAGE_CREATE": GUILD_MESSAGES,
    "MESSAGE_UPDATE": GUILD_MESSAGES,
    "MESSAGE_DELETE": GUILD_MESSAGES,
}
_GUILDS_EVENTS = ("GUILD_", "CHANNEL_")
_TRANSPORTS = ("zlib-stream", "zstd-stream") if zstd_available() else ("zlib-stream",)


def _decode(data: str | bytes) -> dict[str, Any] | None:
    """A JSON object from a text or binary frame (Discord accepts both); None when malformed."""
    try:
        payload = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


class Gateway:
    """Gateway state: sessions, identify bookkeeping and event routing to shards."""

    def __init__(self, double: DiscordDouble) -> None:
        self.double = double
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.identifies: list[IdentifyRecord] = []
        self.identify_violations = 0
        self.close_codes: list[int] = []
        self._last_identify: dict[int, float] = {}
        self.held: set[int] = set()
        self._held_conns: dict[Connection, int] = {}

    # -- websocket handler -------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """aiohttp handler for the gateway websocket."""
        ws = web.WebSocketResponse(timeout=2.0, max_msg_size=0)
        await ws.prepare(request)
        transport = request.query.get("compress")
        if transport not in _TRANSPORTS:
            transport = None
        conn = Connection(ws, request, transport)
        self.connections.add(conn)
        watchdog = asyncio.create_task(self._watch_heartbeats(conn))
        if request.query.get("v", API_VERSION) != API_VERSION:
            conn.close(4012, "Invalid API version.")
        else:
            interval = self.double.config.heartbeat_interval_ms
            conn.send({"op": 10, "d": {"heartbeat_interval": interval}, "s": None, "t": None})
        try:
            async for msg in ws:
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    continue
                payload = _decode(msg.data)
                if payload is None:
                    conn.close(4002, "Error while decoding payload.")
                elif self._counts(payload) and conn.over_send_limit(time.monotonic()):
                    conn.close(4008, "Rate limited.")
                else:
                    await self._on_payload(conn, payload)
        finally:
            watchdog.cancel()
            self._detach(conn, ws.close_code)
        return ws

    async def _watch_heartbeats(self, conn: Connection) -> None:
        """Close 4009 (session timed out) when no heartbeat came within ``heartbeat_timeout``.

        The session is invalidated, so a RESUME of it afterwards gets op 9 (start a new one).
        """
        while True:
            timeout = self.double.config.heartbeat_timeout  # read each turn: tests may change it
            left = 1.0 if timeout is None else conn.last_heartbeat + timeout - time.monotonic()
            if left > 0:
                await asyncio.sleep(min(left, 1.0))
                continue
            if conn.session is not None:
                conn.session.invalid = True
            conn.close(4009, "Session timed out.")
            return

    def _counts(self, payload: dict[str, Any]) -> bool:
        """Whether a frame counts toward the 120/60 s limit: heartbeats do not when a test
        shortened the interval below Discord's (they would be many times Discord's rate)."""
        short = self.double.config.heartbeat_interval_ms < DISCORD_HEARTBEAT_MS
        return not (short and payload.get("op") == 1)

    async def _on_payload(self, conn: Connection, payload: dict[str, Any]) -> None:
        op = payload.get("op")
        data = payload.get("d")
        if op in (3, 4, 8) and conn.session is None:
            conn.close(4003, "Not authenticated.")
        elif op == 1:
            conn.heartbeats += 1
            conn.last_heartbeat = time.monotonic()
            conn.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            self._identify(conn, data or {})
        elif op == 6:
            self._resume(conn, data or {})
        elif op == 8:
            self._request_members(conn, data or {})
        elif op in (3, 4):
            return
        else:
            conn.close(4001, "Unknown opcode.")

    def _detach(self, conn: Connection, close_code: int | None) -> None:
        self.connections.discard(conn)
        self._held_conns.pop(conn, None)
        if close_code is not None:
            self.close_codes.append(close_code)
        session = conn.session
        if session is not None and session.conn is conn:
            session.conn = None
            session.disconnected_at = time.monotonic()
            if close_code in (1000, 1001):
                session.invalid = True  # a clean client close ends the session
        if not conn.writer.done():
            conn.writer.cancel()

    # -- identify / resume -------------------------------------------------
    def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        cfg = self.double.config
        if conn.session is not None:
            conn.close(4005, "Already authenticated.")
            return
        if data.get("token") != cfg.token:
            conn.close(4004, "Authentication failed.")
            return
        shard = data.get("shard")
        shard_id, shard_count = (int(shard[0]), int(shard[1])) if shard else (0, 1)
        if shard_id in self.held:
            self._held_conns[conn] = shard_id  # left unanswered until released
            return
        if (
            shard_count < 1
            or not 0 <= shard_id < shard_count
            or (shard and cfg.strict_shard_count and shard_count != cfg.shard_count)
        ):
            conn.close(4010, "Invalid shard.")
            return
        guilds = self._bot_guilds_on(shard_id, shard_count)
        if len(guilds) > cfg.max_guilds_per_shard:
            conn.close(4011, "Sharding required.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            conn.close(4013, "Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~cfg.privileged_intents:
            conn.close(4014, "Disallowed intent(s).")
            return
        now = time.monotonic()
        bucket = shard_id % max(cfg.max_concurrency, 1)
        last = self._last_identify.get(bucket)
        if last is not None and now - last < cfg.identify_window:
            self.identify_violations += 1
            self.identifies.append(
                IdentifyRecord(shard_id, shard_count, bucket, now, False, "rate limited")
            )
            conn.send({"op": 9, "d": False, "s": None, "t": None})
            return
        self._last_identify[bucket] = now
        conn.payload_compress = data.get("compress") is True and conn.transport is None
        cfg.session_start_remaining = max(cfg.session_start_remaining - 1, 0)
        session = Session(
            id=uuid.uuid4().hex,
            shard_id=shard_id,
            shard_count=shard_count,
            intents=intents,
            buffer_size=cfg.replay_buffer,
        )
        self.identifies.append(
            IdentifyRecord(shard_id, shard_count, bucket, now, True, session_id=session.id)
        )
        self.sessions[session.id] = session
        conn.session = session
        session.conn = conn
        self._send_ready(session, guilds)

    def _bot_guilds_on(self, shard_id: int, shard_count: int) -> list[Any]:
        """The bot's guilds on one shard (through the world's shard index)."""
        bot_id = self.double.bot_user.id
        return [g for g in self.double.world.guilds_on_shard(shard_id, shard_count)
                if bot_id in g.members]

    def _send_ready(self, session: Session, guilds: list[Any]) -> None:
        double = self.double
        me = user_json(double.bot_user)
        me.update({"verified": True, "mfa_enabled": False, "email": None, "locale": "en-US"})
        session.push(
            "READY",
            {
                "v": 10,
                "user": me,
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.id,
                "resume_gateway_url": double.gateway_url,
                "shard": [session.shard_id, session.shard_count],
                "application": {"id": str(double.application_id), "flags": 1 << 14 | 1 << 18},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
                "user_settings": {},
                "session_type": "normal",
                "_trace": ["guildhall-double"],
            },
        )
        with_members = bool(session.intents & GUILD_MEMBERS)
        for guild in guilds:  # each payload is built when it is written (lean at scale)
            session.push("GUILD_CREATE", functools.partial(
                guild_create_json, guild, include_members=with_members,
                bot_id=double.bot_user.id, available=True))

    def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.double.config.token:
            conn.close(4004, "Authentication failed.")
            return
        session = self.sessions.get(str(data.get("session_id")))
        if session is not None and session.shard_id in self.held:
            self._held_conns[conn] = session.shard_id  # left unanswered until released
            return
        seq = data.get("seq") or 0
        if session is not None and isinstance(seq, int) and seq > session.seq:
            conn.close(4007, "Invalid seq.")  # a sequence number this session never sent
            return
        if session is None or self._expired(session) or not self._can_replay(session, seq):
            conn.send({"op": 9, "d": False, "s": None, "t": None})
            return
        old = session.conn
        if old is not None and old is not conn:
            old.session = None
            old.close(4000, "Session resumed elsewhere.")
        session.conn = conn
        session.disconnected_at = None
        session.resumes += 1
        conn.session = session
        for payload in session.buffer:
            if payload["s"] > seq:
                conn.send(payload)
        session.push("RESUMED", {"_trace": ["guildhall-double"]})

    def _expired(self, session: Session) -> bool:
        if session.invalid:
            return True
        gone = session.disconnected_at
        if gone is not None and time.monotonic() - gone > self.double.config.resume_timeout:
            session.invalid = True
        return session.invalid

    @staticmethod
    def _can_replay(session: Session, seq: int) -> bool:
        if seq > session.seq:
            return False
        return not session.buffer or seq >= session.buffer[0]["s"] - 1

    def _request_members(self, conn: Connection, data: dict[str, Any]) -> None:
        session = conn.session
        if session is None:
            conn.close(4003, "Not authenticated.")
            return
        guild = self.double.world.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        query = str(data.get("query") or "").lower()
        user_ids = {int(u) for u in data.get("user_ids") or []}
        members = [
            m
            for m in guild.members.values()
            if (not user_ids or m.id in user_ids) and m.user.username.lower().startswith(query)
        ]
        limit = int(data.get("limit") or 0)
        if limit:
            members = members[:limit]
        chunk = {
            "guild_id": str(guild.id),
            "members": [member_json(m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        session.push("GUILD_MEMBERS_CHUNK", chunk)

    # -- dispatch ----------------------------------------------------------
    @staticmethod
    def _routes_to(session: Session, guild_id: int | None) -> bool:
        target = 0 if guild_id is None else shard_for(guild_id, session.shard_count)
        return session.shard_id == target

    def live_sessions(self, shard_id: int | None = None) -> list[Session]:
        """Sessions that are not invalidated (optionally for one shard)."""
        return [
            s
            for s in self.sessions.values()
            if not self._expired(s) and (shard_id is None or s.shard_id == shard_id)
        ]

    def dispatch(self, event: str, data: dict[str, Any], guild_id: int | None = None) -> int:
        """Send an event to every live session whose shard owns ``guild_id`` (DMs: shard 0).

        Returns the number of sessions the event was queued for.
        """
        count = 0
        for session in self.sessions.values():  # the route first: cheap, rules out most
            if not self._routes_to(session, guild_id) or self._expired(session):
                continue
            needed = self._intent_for(event, guild_id)
            if needed and not session.intents & needed:
                continue
            session.push(event, self._filter_content(session, event, data))
            count += 1
        return count

    def dispatch_guild_create(self, guild: Any, *, available: bool = False) -> int:
        """Send a full GUILD_CREATE (members only to sessions with the members intent)."""
        count = 0
        bot_id = self.double.bot_user.id
        for session in self.live_sessions():
            if self._routes_to(session, guild.id) and session.intents & GUILDS:
                with_members = bool(session.intents & GUILD_MEMBERS)
                payload = guild_create_json(
                    guild, include_members=with_members, bot_id=bot_id, available=available
                )
                session.push("GUILD_CREATE", payload)
                count += 1
        return count

    @staticmethod
    def _intent_for(event: str, guild_id: int | None) -> int:
        if guild_id is None and event.startswith("MESSAGE_"):
            return DIRECT_MESSAGES
        if event in _GUILD_EVENT_INTENTS:
            return _GUILD_EVENT_INTENTS[event]
        return GUILDS if event.startswith(_GUILDS_EVENTS) else 0

    def _filter_content(self, session: Session, event: str, data: dict[str, Any]) -> Any:
        if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE") or session.intents & MESSAGE_CONTENT:
            return data
        bot_id = str(self.double.bot_user.id)
        author = data.get("author", {}).get("id")
        mentioned = any(m.get("id") == bot_id for m in data.get("mentions", []))
        if "guild_id" not in data or author == bot_id or mentioned:
            return data
        return {**data, "content": "", "embeds": [], "attachments": [], "components": []}

    # -- fault helpers -----------------------------------------------------
    async def drop(self, shard_id: int, code: int | None = None) -> int:
        """Drop the sockets of ``shard_id`` (abort TCP, or close with ``code``)."""
        dropped = 0
        for session in self.live_sessions(shard_id):
            conn = session.conn
            if conn is None:
                continue
            session.conn = None
            session.disconnected_at = time.monotonic()
            if code is None:
                conn.abort()
            else:
                conn.close(code, "Dropped by the double.")
            dropped += 1
        await asyncio.sleep(0)
        return dropped

    async def hold(self, shard_id: int) -> int:
        """Keep ``shard_id`` down: drop its sockets and leave its IDENTIFY/RESUME unanswered."""
        self.held.add(shard_id)
        return await self.drop(shard_id)

    async def release(self, shard_id: int) -> int:
        """Let ``shard_id`` back: abort its held sockets so it reconnects and is answered."""
        self.held.discard(shard_id)
        waiting = [conn for conn, shard in self._held_conns.items() if shard == shard_id]
        for conn in waiting:
            del self._held_conns[conn]
            conn.abort()
        await asyncio.sleep(0)
        return len(waiting)

    def send_op(self, shard_id: int, op: int, data: Any = None) -> int:
        """Send a raw opcode (7 RECONNECT, 9 INVALID_SESSION ...) to a shard's sockets."""
        sent = 0
        for session in self.live_sessions(shard_id):
            if session.conn is not None:
                session.conn.send({"op": op, "d": data, "s": None, "t": None})
                sent += 1
            if op == 9 and not data:
                session.invalid = True
        return sent

    async def close_all(self) -> None:
        """Close every connection with 1001 (going away)."""
        for conn in list(self.connections):
            conn.close(1001, "Double shutting down.")
        writers = [c.writer for c in self.connections if not c.writer.done()]
        if writers:
            await asyncio.wait(writers, timeout=3)
