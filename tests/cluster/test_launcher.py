"""``guildhall run`` as a cluster: real launcher and worker processes against the double.

One launcher of 3 workers x 2 shards serves every guild from the worker holding its
shard, re-identifies every shard after invalidated sessions, restarts a SIGKILLed worker
(the leader, whose lease moves), and on SIGTERM under load writes every buffered row
before exiting 0. Identify spacing (max_concurrency 1) holds throughout.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.db.models import User
from core.runtime.assembly import Runtime
from core.testing.bot_fixtures import channel_reply, eventually
from core.testing.double import DiscordDouble
from core.testing.double.state import Channel, Guild, Member
from tests.cluster.launcher_kit import (
    WINDOW,
    Launcher,
    cluster_of_request,
    cluster_settings,
    statuses,
    wait_ready,
)

SHARDS, PER_CLUSTER = 6, 2

pytestmark = pytest.mark.processes


@pytest.fixture
def guildhall_plugins() -> list[str]:
    return []  # core commands suffice; plugin loading is covered by the sandbox tests


@pytest.fixture
async def double() -> AsyncIterator[DiscordDouble]:
    async with DiscordDouble(shard_count=SHARDS, identify_window=WINDOW,
                             heartbeat_interval_ms=1000, resume_timeout=10) as started:
        yield started


def build_world(double: DiscordDouble) -> list[tuple[Guild, Channel, list[Member]]]:
    """One guild per shard, each with #general and four members."""
    world = []
    for shard in range(SHARDS):
        guild = double.create_guild(f"guild on shard {shard}", shard=shard)
        members = [double.add_member(guild, f"m{shard}x{i}") for i in range(4)]
        world.append((guild, guild.text_channels[0], members))
    return world


def owner(shard: int) -> int:
    return shard // PER_CLUSTER


async def test_cluster_serves_recovers_and_stops_cleanly(
    guildhall_db: Runtime, double: DiscordDouble, tmp_path: Path
) -> None:
    world = build_world(double)
    settings = cluster_settings(guildhall_db.settings, tmp_path, shard_count=SHARDS,
                                shards_per_cluster=PER_CLUSTER)
    launcher = await Launcher(settings, double, tmp_path / "launcher.log").start()
    try:
        ready = await wait_ready(settings, 3)
        assert {i: (s.shard_ids, s.guilds) for i, s in ready.items()} == {
            0: ([0, 1], 2), 1: ([2, 3], 2), 2: ([4, 5], 2)}
        assert len({s.pid for s in ready.values()} | {launcher.process.pid}) == 4

        # every guild's events reach only the worker holding its shard
        for shard, (_, channel, members) in enumerate(world):
            await double.send_message(channel, members[0], "!ping")
            reply = await channel_reply(double, channel, timeout=20)
            assert reply.content.startswith("Pong")
            path = f"/channels/{channel.id}/messages"
            sent = double.requests.filter(method="POST", check=lambda r, p=path: r.path.endswith(p))
            assert [cluster_of_request(r) for r in sent] == [owner(shard)]
        # every worker answers slash commands, though only cluster 0 registered them (an
        # interaction reaches only its guild's shard; its callback carries no User-Agent)
        for guild, channel, members in world:
            handle = await double.invoke_slash(guild, channel, members[1], "ping")
            assert (await handle.wait_response(timeout=20)).content.startswith("Pong")
        await asyncio.sleep(0.5)
        for _, channel, _ in world:  # nobody answered twice
            assert len([m for m in double.messages_in(channel) if m.author.bot]) == 2
        commands_synced_by = {cluster_of_request(r) for r in double.requests.filter(method="PUT")
                              if r.path.endswith("/commands")}
        assert commands_synced_by == {0}

        # invalidated sessions: every shard re-identifies at once, through the limiter
        def accepted() -> int:
            return len([i for i in double.gateway.identifies if i.accepted])

        before = accepted()
        for shard in range(SHARDS):
            assert double.gateway.send_op(shard, 9, False) == 1
        await eventually(lambda: accepted() >= before + SHARDS, timeout=30, interval=0.1,
                         message="every shard identified again")
        assert double.gateway.identify_violations == 0
        for _, channel, members in world:
            await double.send_message(channel, members[1], "!ping")
            await channel_reply(double, channel, timeout=20)

        # SIGKILL of the leader: restarted, shards back, the lease moves
        (leader,) = [s for s in (await statuses(settings)).values() if s.leader]
        os.kill(leader.pid, signal.SIGKILL)

        async def replaced() -> bool:
            now = await statuses(settings)
            back = now[leader.cluster]
            return (back.pid != leader.pid and back.state == "ready" and back.age() < 2
                    and back.guilds == 2 and any(s.leader for s in now.values()))

        await eventually(replaced, timeout=60, interval=0.2, message="worker restarted")
        now = await statuses(settings)
        assert [s.pid for s in now.values() if s.leader] != [leader.pid]
        assert "was killed by SIGKILL" in launcher.output()
        assert "restarting in" in launcher.output()
        (_, channel, members) = world[leader.shard_ids[0]]
        await double.send_message(channel, members[2], "!ping")
        assert (await channel_reply(double, channel, timeout=20)).content.startswith("Pong")

        # SIGTERM under load: everything buffered before the stop is written
        authors = [m for _, _, members in world for m in members]
        for _, channel, members in world:
            for member in members:
                await double.send_message(channel, member, f"hello from {member.user.username}")
        for _, channel, members in world:  # each shard handled its messages in order
            await double.send_message(channel, members[0], "!ping")
            await channel_reply(double, channel, timeout=20)

        async def load() -> None:
            while True:
                for _, channel, members in world:
                    await double.send_message(channel, members[3], "more load")
                await asyncio.sleep(0.01)

        loader = asyncio.create_task(load())
        await asyncio.sleep(0.3)
        code = await launcher.stop()
        loader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loader
    finally:
        if launcher.process.returncode is None:
            await launcher.stop(signal.SIGKILL)
    assert code == 0, launcher.output()[-3000:]
    assert "all workers stopped (clean)" in launcher.output()
    stored = set(await User.filter(user_id__in=[m.id for m in authors]).values_list(
        "user_id", flat=True))
    assert stored == {m.id for m in authors}
    assert {s.state for s in (await statuses(settings)).values()} == {"stopped"}
    assert double.gateway.identify_violations == 0
    assert accepted() >= 2 * SHARDS + PER_CLUSTER  # start, re-identify, restart
