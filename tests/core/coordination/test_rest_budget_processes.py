"""Two real processes share the bot's REST budget, counted at the Discord double.

The double enforces a global limit of 20 requests/s per bot (a 429 with ``global: true``
above it). Each process is paced at 15 requests/s: sharing one bucket, the two stay under
the limit together; each with a bucket of its own, they send 30/s and are refused.
With the double's per-route buckets on, two processes sending to one channel share what
each learns of its bucket and draw no per-route 429; each on its own, they do.
Counts, not durations, are asserted.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path

from core.testing.double import DiscordDouble
from tests.helpers import ROOT

DOUBLE_LIMIT = 20.0
PROCESS_RATE = 15.0


async def run_senders(
    double: DiscordDouble, wheres: list[tuple[str, str]], count: int, channel: str = ""
) -> list[int]:
    """Start one sender per ``(share, where)``, start them together, wait for both; the
    requests each one held on a route bucket."""
    senders = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.core.coordination.rest_sender", double.api_base,
            double.token, share, where, str(PROCESS_RATE), str(count), channel, cwd=ROOT,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        for share, where in wheres
    ]
    for sender in senders:
        assert sender.stdout is not None
        assert (await asyncio.wait_for(sender.stdout.readline(), 120)).strip() == b"ready"
    for sender in senders:
        assert sender.stdin is not None
        sender.stdin.write(b"go\n")
        await sender.stdin.drain()
    waits = []
    for sender in senders:
        assert sender.stdout is not None
        done, held = (await asyncio.wait_for(sender.stdout.readline(), 300)).split()
        assert done == b"done"
        waits.append(int(held))
        assert await asyncio.wait_for(sender.wait(), 60) == 0
    return waits


def answered_ok(double: DiscordDouble) -> int:
    """``GET /users/@me`` answered 200 (each sender's login included)."""
    return len(double.requests.filter("GET", "/users/@me", check=lambda r: r.status == 200))


async def test_two_processes_sharing_redis_stay_under_the_global_limit(
    guildhall_redis_url: str,
) -> None:
    key = f"test:rest:{uuid.uuid4().hex}"
    async with DiscordDouble(global_rate_per_second=DOUBLE_LIMIT) as double:
        await run_senders(double, [("redis", f"{guildhall_redis_url} {key}")] * 2, 30)
        assert double.rest_limits.global_429s == 0
        assert answered_ok(double) == 2 * 30 + 2


async def test_two_processes_sharing_a_file_stay_under_the_global_limit(tmp_path: Path) -> None:
    shared = str(tmp_path / "g.db.rest-global.lock")
    async with DiscordDouble(global_rate_per_second=DOUBLE_LIMIT) as double:
        await run_senders(double, [("file", shared)] * 2, 30)
        assert double.rest_limits.global_429s == 0
        assert answered_ok(double) == 2 * 30 + 2


async def test_without_a_shared_bucket_two_processes_break_the_global_limit(
    tmp_path: Path,
) -> None:
    own = [("file", str(tmp_path / f"process-{n}.lock")) for n in (1, 2)]
    async with DiscordDouble(global_rate_per_second=DOUBLE_LIMIT) as double:
        await run_senders(double, own, 60)
        assert double.rest_limits.global_429s > 0  # disnake retried them: all answered
        assert answered_ok(double) == 2 * 60 + 2


ROUTE_LIMIT = (3, 1.0)  # messages per channel and window


def channel_of(double: DiscordDouble) -> str:
    """A channel the bot may send to."""
    guild = double.create_guild("g")
    return str(double.create_channel(guild, "spam").id)


def messages_ok(double: DiscordDouble) -> int:
    """Messages the double created."""
    return len(double.requests.filter(
        "POST", "/channels/{channel_id}/messages", check=lambda r: r.status == 200))


async def test_two_processes_sharing_redis_learn_each_others_route_buckets(
    guildhall_redis_url: str,
) -> None:
    key = f"test:rest:{uuid.uuid4().hex}"
    async with DiscordDouble(global_rate_per_second=DOUBLE_LIMIT,
                             route_limit=ROUTE_LIMIT) as double:
        channel = channel_of(double)
        waits = await run_senders(double, [("redis", f"{guildhall_redis_url} {key}")] * 2, 9,
                                  channel)
        assert not double.rest_limits.route_429s and double.rest_limits.global_429s == 0
        assert messages_ok(double) == 2 * 9 and answered_ok(double) == 2 * 9 + 2
        assert sum(waits) > 0  # a process waited on a bucket the shared state said empty


async def test_two_processes_sharing_a_file_learn_each_others_route_buckets(
    tmp_path: Path,
) -> None:
    shared = str(tmp_path / "g.db.rest-global.lock")
    async with DiscordDouble(global_rate_per_second=DOUBLE_LIMIT,
                             route_limit=ROUTE_LIMIT) as double:
        channel = channel_of(double)
        waits = await run_senders(double, [("file", shared)] * 2, 9, channel)
        assert not double.rest_limits.route_429s and double.rest_limits.global_429s == 0
        assert messages_ok(double) == 2 * 9 and answered_ok(double) == 2 * 9 + 2
        assert sum(waits) > 0


async def test_without_shared_route_buckets_two_processes_draw_route_429s(
    tmp_path: Path,
) -> None:
    own = [("file", str(tmp_path / f"process-{n}.lock")) for n in (1, 2)]
    async with DiscordDouble(route_limit=ROUTE_LIMIT) as double:
        channel = channel_of(double)
        await run_senders(double, own, 9, channel)
        assert sum(double.rest_limits.route_429s.values()) > 0  # disnake retried them
        assert messages_ok(double) == 2 * 9
