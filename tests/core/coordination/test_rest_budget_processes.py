"""Two real processes share the bot's global REST budget, counted at the Discord double.

The double enforces a global limit of 20 requests/s per bot (a 429 with ``global: true``
above it). Each process is paced at 15 requests/s: sharing one bucket, the two stay under
the limit together; each with a bucket of its own, they send 30/s and are refused.
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


async def run_senders(double: DiscordDouble, wheres: list[tuple[str, str]], count: int) -> None:
    """Start one sender per ``(share, where)``, start them together, wait for both."""
    senders = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.core.coordination.rest_sender", double.api_base,
            double.token, share, where, str(PROCESS_RATE), str(count), cwd=ROOT,
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
    for sender in senders:
        assert sender.stdout is not None
        assert (await asyncio.wait_for(sender.stdout.readline(), 300)).strip() == b"done"
        assert await asyncio.wait_for(sender.wait(), 60) == 0


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
