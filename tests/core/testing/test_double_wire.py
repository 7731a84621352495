"""Wire-level gateway checks with a raw aiohttp websocket (zlib-stream framing, close codes)."""

from __future__ import annotations

import json
import zlib
from typing import Any

import aiohttp
import pytest

from core.testing.double import DiscordDouble

SUFFIX = b"\x00\x00\xff\xff"


class RawGateway:
    """A minimal gateway client that inflates zlib-stream frames like disnake does."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.inflator = zlib.decompressobj()
        self.frames: list[bytes] = []

    async def recv(self) -> dict[str, Any]:
        buffer = bytearray()
        while True:
            msg = await self.ws.receive(timeout=5)
            if msg.type is not aiohttp.WSMsgType.BINARY:
                raise ConnectionError(f"closed: {msg.type} {self.ws.close_code}")
            self.frames.append(msg.data)
            buffer.extend(msg.data)
            if msg.data.endswith(SUFFIX):
                return json.loads(self.inflator.decompress(bytes(buffer)))

    async def send(self, op: int, d: Any) -> None:
        await self.ws.send_str(json.dumps({"op": op, "d": d}))

    async def identify(
        self, token: str, shard: list[int] | None = None, intents: int = 513
    ) -> None:
        data: dict[str, Any] = {"token": token, "intents": intents, "properties": {}}
        if shard is not None:
            data["shard"] = shard
        await self.send(2, data)


async def open_raw(session: aiohttp.ClientSession, double: DiscordDouble) -> RawGateway:
    ws = await session.ws_connect(f"{double.gateway_url}?v=10&encoding=json&compress=zlib-stream")
    return RawGateway(ws)


async def test_zlib_stream_hello_heartbeat_ready(double: DiscordDouble) -> None:
    guild = double.create_guild("g", shard=1)
    async with aiohttp.ClientSession() as session:
        gw = await open_raw(session, double)
        hello = await gw.recv()
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == 1000
        await gw.send(1, None)
        assert (await gw.recv())["op"] == 11
        await gw.identify(double.token, [1, 2])
        ready = await gw.recv()
        assert ready["t"] == "READY" and ready["s"] == 1
        assert ready["d"]["shard"] == [1, 2]
        assert ready["d"]["guilds"] == [{"id": str(guild.id), "unavailable": True}]
        assert ready["d"]["resume_gateway_url"] == double.gateway_url
        create = await gw.recv()
        assert (create["t"], create["s"], create["d"]["id"]) == ("GUILD_CREATE", 2, str(guild.id))
        assert create["d"]["member_count"] == 2
        assert all(frame.endswith(SUFFIX) for frame in gw.frames)
        await gw.ws.close()


@pytest.mark.parametrize(
    ("identify", "code"),
    [
        ({"token": "bad"}, 4004),
        ({"shard": [2, 2]}, 4010),
        ({"shard": [0, 3]}, 4010),
        ({"intents": 1 << 1}, 4014),
    ],
)
async def test_identify_close_codes(make_double, identify: dict[str, Any], code: int) -> None:
    double = await make_double(privileged_intents=0)
    async with aiohttp.ClientSession() as session:
        gw = await open_raw(session, double)
        await gw.recv()
        await gw.identify(
            identify.get("token", double.token), identify.get("shard"), identify.get("intents", 1)
        )
        msg = await gw.ws.receive(timeout=5)
        assert msg.type is aiohttp.WSMsgType.CLOSE
        assert msg.data == code


async def test_resume_unknown_session_is_invalid(double: DiscordDouble) -> None:
    async with aiohttp.ClientSession() as session:
        gw = await open_raw(session, double)
        await gw.recv()
        await gw.send(6, {"token": double.token, "session_id": "nope", "seq": 3})
        invalid = await gw.recv()
        assert (invalid["op"], invalid["d"]) == (9, False)
        await gw.ws.close()


async def test_resume_replays_missed_events(double: DiscordDouble) -> None:
    guild = double.create_guild("g", shard=0)
    alice = double.add_member(guild, "alice")
    async with aiohttp.ClientSession() as session:
        gw = await open_raw(session, double)
        await gw.recv()
        await gw.identify(double.token, [0, 2], intents=513 | 1 << 15)  # + MESSAGE_CONTENT
        ready = await gw.recv()
        await gw.recv()  # GUILD_CREATE, seq 2
        await gw.ws.close(code=4000)  # non-1000 close keeps the session resumable
        await double.send_message(guild.text_channels[0], alice, "while away")
        gw2 = await open_raw(session, double)
        await gw2.recv()
        await gw2.send(6, {"token": double.token, "session_id": ready["d"]["session_id"], "seq": 2})
        missed = await gw2.recv()
        assert (missed["t"], missed["s"], missed["d"]["content"]) == (
            "MESSAGE_CREATE",
            3,
            "while away",
        )
        resumed = await gw2.recv()
        assert (resumed["t"], resumed["s"]) == ("RESUMED", 4)
        await gw2.ws.close()


async def test_message_content_intent_strips_content(double: DiscordDouble) -> None:
    guild = double.create_guild("g", shard=0)
    alice = double.add_member(guild, "alice")
    async with aiohttp.ClientSession() as session:
        gw = await open_raw(session, double)
        await gw.recv()
        await gw.identify(double.token, [0, 2], intents=513)  # no MESSAGE_CONTENT
        await gw.recv()
        await gw.recv()
        await double.send_message(guild.text_channels[0], alice, "secret")
        await double.send_message(guild.text_channels[0], alice, f"hi {double.bot_user.mention}")
        assert (await gw.recv())["d"]["content"] == ""
        assert (await gw.recv())["d"]["content"] == f"hi <@{double.bot_user.id}>"
        await gw.ws.close()
