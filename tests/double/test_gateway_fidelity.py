"""The double's gateway speaks Discord's documented protocol to a raw websocket client.

No disnake here: an aiohttp websocket sends exactly the frames under test, and each test
checks the close code Discord documents for the condition (or the answer it sends).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from core.testing.double import DiscordDouble
from core.testing.double.gateway import GUILD_MEMBERS

WAIT = 10.0  # generous bound for one frame on a loaded machine


@pytest.fixture
async def double() -> AsyncIterator[DiscordDouble]:
    """A double with one shard and one privileged intent (members) not granted."""
    async with DiscordDouble(privileged_intents=0) as d:
        yield d


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain HTTP client session."""
    async with aiohttp.ClientSession() as session:
        yield session


async def _connect(
    http: aiohttp.ClientSession, double: DiscordDouble, query: str = "?v=10&encoding=json"
) -> aiohttp.ClientWebSocketResponse:
    return await http.ws_connect(double.gateway_url + query)


async def _receive(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    msg = await ws.receive(timeout=WAIT)
    assert msg.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY), msg
    return json.loads(msg.data)


async def _closed_with(ws: aiohttp.ClientWebSocketResponse) -> int | None:
    while True:
        msg = await ws.receive(timeout=WAIT)
        if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            return ws.close_code
        if msg.type is aiohttp.WSMsgType.ERROR:
            return None


def _identify(double: DiscordDouble, **changes: Any) -> dict[str, Any]:
    data = {
        "token": double.token,
        "intents": 1 | 1 << 9,
        "properties": {"os": "linux", "browser": "raw", "device": "raw"},
        **changes,
    }
    return {"op": 2, "d": data}


async def _ready(
    http: aiohttp.ClientSession, double: DiscordDouble, *, binary: bool = False
) -> tuple[aiohttp.ClientWebSocketResponse, dict[str, Any]]:
    ws = await _connect(http, double)
    assert (await _receive(ws))["op"] == 10
    raw = json.dumps(_identify(double))
    await (ws.send_bytes(raw.encode()) if binary else ws.send_str(raw))
    ready = await _receive(ws)
    assert ready["t"] == "READY"
    return ws, ready


async def test_identify_in_a_binary_frame_is_accepted(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    ws, ready = await _ready(http, double, binary=True)
    assert ready["d"]["session_id"]
    await ws.close()


@pytest.mark.parametrize("frame", ["{not json", "[1,2]", "3", b"\xff\xfe"])
async def test_malformed_frame_closes_4002(
    double: DiscordDouble, http: aiohttp.ClientSession, frame: str | bytes
) -> None:
    ws = await _connect(http, double)
    await _receive(ws)
    await (ws.send_bytes(frame) if isinstance(frame, bytes) else ws.send_str(frame))
    assert await _closed_with(ws) == 4002


async def test_unknown_opcode_closes_4001(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    ws, _ = await _ready(http, double)
    await ws.send_json({"op": 42, "d": None})
    assert await _closed_with(ws) == 4001


async def test_request_before_identify_closes_4003(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    ws = await _connect(http, double)
    await _receive(ws)
    await ws.send_json({"op": 8, "d": {"guild_id": "1", "query": "", "limit": 0}})
    assert await _closed_with(ws) == 4003


async def test_bad_token_closes_4004(double: DiscordDouble, http: aiohttp.ClientSession) -> None:
    ws = await _connect(http, double)
    await _receive(ws)
    await ws.send_json(_identify(double, token="wrong"))
    assert await _closed_with(ws) == 4004


async def test_second_identify_closes_4005(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    ws, _ = await _ready(http, double)
    await ws.send_json(_identify(double))
    assert await _closed_with(ws) == 4005


async def test_resume_with_unsent_seq_closes_4007(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    first, ready = await _ready(http, double)
    await first.close()
    ws = await _connect(http, double)
    await _receive(ws)
    resume = {"token": double.token, "session_id": ready["d"]["session_id"], "seq": 10_000}
    await ws.send_json({"op": 6, "d": resume})
    assert await _closed_with(ws) == 4007


async def test_more_than_120_frames_a_minute_closes_4008(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    ws, _ = await _ready(http, double)
    for seq in range(119):  # + IDENTIFY = 120 frames, far inside one minute: still allowed
        await ws.send_json({"op": 1, "d": seq})
    acks = 0
    while acks < 119:  # every one answered, the connection open
        acks += (await _receive(ws))["op"] == 11
    assert not ws.closed
    await ws.send_json({"op": 1, "d": 119})  # the 121st frame within 60 s
    assert await _closed_with(ws) == 4008


async def test_invalid_shard_closes_4010(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    ws = await _connect(http, double)
    await _receive(ws)
    await ws.send_json(_identify(double, shard=[3, 2]))
    assert await _closed_with(ws) == 4010


async def test_invalid_version_closes_4012(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    ws = await _connect(http, double, "?v=6&encoding=json")
    assert await _closed_with(ws) == 4012


async def test_invalid_intents_close_4013(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    ws = await _connect(http, double)
    await _receive(ws)
    await ws.send_json(_identify(double, intents="all"))
    assert await _closed_with(ws) == 4013


async def test_disallowed_intents_close_4014(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    ws = await _connect(http, double)
    await _receive(ws)
    await ws.send_json(_identify(double, intents=1 | GUILD_MEMBERS))
    assert await _closed_with(ws) == 4014


async def test_server_requested_heartbeat_is_answered_with_ack(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    ws, _ = await _ready(http, double)
    assert double.gateway.send_op(0, 1) == 1
    while (frame := await _receive(ws))["op"] != 1:
        pass
    await ws.send_json({"op": 1, "d": None})
    while (frame := await _receive(ws))["op"] != 11:
        pass
    assert frame["d"] is None
    await ws.close()


async def test_zlib_stream_transport_compression(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    ws = await _connect(http, double, "?v=10&encoding=json&compress=zlib-stream")
    inflater = zlib.decompressobj()
    msg = await ws.receive(timeout=WAIT)
    assert msg.type is aiohttp.WSMsgType.BINARY
    assert msg.data.endswith(b"\x00\x00\xff\xff")  # Z_SYNC_FLUSH suffix ends each message
    assert json.loads(inflater.decompress(msg.data))["op"] == 10
    await ws.close()


async def test_missed_heartbeats_close_4009_and_the_session_cannot_resume(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    ws, ready = await _ready(http, double)
    await ws.send_json({"op": 1, "d": ready["s"]})
    double.config.heartbeat_timeout = 0.2  # no heartbeat from here on
    assert await _closed_with(ws) == 4009
    again = await _connect(http, double)
    await _receive(again)
    resume = {"token": double.token, "session_id": ready["d"]["session_id"], "seq": ready["s"]}
    await again.send_json({"op": 6, "d": resume})
    while (frame := await _receive(again))["op"] == 11:
        pass
    assert frame == {"op": 9, "d": False, "s": None, "t": None}
    await again.close()


async def test_too_many_guilds_for_one_shard_closes_4011(http: aiohttp.ClientSession) -> None:
    async with DiscordDouble(max_guilds_per_shard=2) as double:
        for name in ("a", "b", "c"):
            double.create_guild(name)
        ws = await _connect(http, double)
        await _receive(ws)
        await ws.send_json(_identify(double))
        assert await _closed_with(ws) == 4011
        double.config.max_guilds_per_shard = 3
        ws, ready = await _ready(http, double)
        assert len(ready["d"]["guilds"]) == 3
        await ws.close()


async def test_identify_compress_flag_sends_zlib_compressed_payloads(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    ws = await _connect(http, double)
    assert (await _receive(ws))["op"] == 10  # before IDENTIFY: plain text
    await ws.send_json(_identify(double, compress=True))
    msg = await ws.receive(timeout=WAIT)
    assert msg.type is aiohttp.WSMsgType.BINARY
    ready = json.loads(zlib.decompress(msg.data))  # each message a whole zlib stream
    assert ready["t"] == "READY"
    await ws.send_json({"op": 1, "d": ready["s"]})
    ack = await ws.receive(timeout=WAIT)
    assert json.loads(zlib.decompress(ack.data))["op"] == 11
    await ws.close()


async def test_zstd_stream_transport_compression(
    double: DiscordDouble, http: aiohttp.ClientSession
) -> None:
    import zstandard

    ws = await _connect(http, double, "?v=10&encoding=json&compress=zstd-stream")
    stream = zstandard.ZstdDecompressor().decompressobj()

    async def frame() -> dict[str, Any]:
        msg = await ws.receive(timeout=WAIT)
        assert msg.type is aiohttp.WSMsgType.BINARY
        return json.loads(stream.decompress(msg.data))  # one stream, each frame complete

    assert (await frame())["op"] == 10
    await ws.send_json(_identify(double))
    ready = await frame()
    assert ready["t"] == "READY"
    await ws.send_json({"op": 1, "d": ready["s"]})
    assert (await frame())["op"] == 11
    await ws.close()
