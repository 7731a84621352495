"""A shard's socket dropped again and again: it RESUMEs and no event is lost or doubled.

The double cuts shard 0's socket (no close frame) every ``INTERVAL`` seconds (10 s in the
issue, scaled down here) while members post a steady stream of messages to guilds on
both shards, some while the socket is down. Every message reaches the bot exactly once
(replayed on RESUME), the shard never re-IDENTIFYs, and each resume is timed.
"""

from __future__ import annotations

import asyncio
import time

import disnake
import pytest
from disnake.ext import commands

from core.testing.bot_fixtures import StartBot, eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld

pytestmark = [pytest.mark.reliability,
              pytest.mark.parametrize("guildhall_engine", ["sqlite"], indirect=True)]
DROPS = 4
INTERVAL = 2.0
RATE = 20  # messages per second


class Received(commands.Cog):
    """Records every message event and shard resume the bot sees."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.resumed: list[float] = []

    @commands.Cog.listener()
    async def on_message(self, message: disnake.Message) -> None:
        self.ids.append(message.id)

    @commands.Cog.listener()
    async def on_shard_resumed(self, shard_id: int) -> None:
        if shard_id == 0:
            self.resumed.append(time.monotonic())


async def test_dropped_shard_resumes_and_loses_no_event(
    guildhall_double: DiscordDouble, guildhall_demo: DemoWorld, guildhall_start_bot: StartBot
) -> None:
    double, demo = guildhall_double, guildhall_demo
    seen = Received()
    await guildhall_start_bot(cogs=[seen])
    await double.wait_for_sessions(2)
    identifies = len(double.gateway.identifies)
    sent: list[int] = []
    stop = asyncio.Event()

    async def stream() -> None:
        i = 0
        while not stop.is_set():
            channel = demo.general if i % 4 else demo.annex_general
            member = demo.member if i % 4 else demo.annex.members[demo.annex.owner_id]
            sent.append((await double.send_message(channel, member, f"event {i}")).id)
            i += 1
            await asyncio.sleep(1 / RATE)

    streamer = asyncio.create_task(stream())
    drops: list[float] = []
    down: list[int] = []
    for _ in range(DROPS):
        await asyncio.sleep(INTERVAL)
        assert await double.drop_shard(0) == 1
        drops.append(time.monotonic())
        for j in range(3):  # while the socket is down: buffered, replayed on RESUME
            if not seen.resumed or seen.resumed[-1] < drops[-1]:
                down.append((await double.send_message(demo.general, demo.member,
                                                       f"while down {j}")).id)
        await eventually(lambda: len(seen.resumed) == len(drops), timeout=15,
                         message="shard 0 resumed")
    await asyncio.sleep(INTERVAL / 2)
    stop.set()
    await streamer
    sent += down
    await eventually(lambda: set(sent) <= set(seen.ids), timeout=15,
                     message="every message event reached the bot")
    lost = len(set(sent) - set(seen.ids))
    doubled = len(seen.ids) - len(set(seen.ids))
    resume_times = [r - d for d, r in zip(drops, seen.resumed, strict=True)]
    session = double.gateway.live_sessions(0)[0]
    print(f"\nshard drops: {DROPS} drops every {INTERVAL:.0f} s; {len(sent)} events sent "
          f"({len(down)} while the socket was down), "
          f"{lost} lost, {doubled} duplicated; {session.resumes} RESUMEs, "
          f"{len(double.gateway.identifies) - identifies} new IDENTIFYs; slowest resume "
          f"{max(resume_times):.2f} s")
    assert lost == 0 and doubled == 0 and down
    assert session.resumes == DROPS
    assert len(double.gateway.identifies) == identifies
