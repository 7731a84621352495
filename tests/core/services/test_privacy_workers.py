"""A privacy deletion holds across worker processes: nothing buffered elsewhere comes back.

Two real worker processes (``tests.core.services.forget_peer``) buffer a sighting, XP and a command
use for the deleting user and for another user. One hears the bus and drops the user's
data when told; the other never hears it (a lost message) and is held back by the
deletion fence when it flushes.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

from core.coordination import bus, coordination_for
from core.db.models import GuildMember, User
from core.plugins.manager import PluginManager
from core.runtime.config import Settings
from core.services import privacy
from plugins.analytics.models import CommandStat
from tests.helpers import ROOT

GUILD, LEAVER, STAYER = 31, 5_000_001, 5_000_002
WAIT = 120.0  # generous: the machine is shared


def peer_env(settings: Settings) -> dict[str, str]:
    """The environment of a worker on the same database, bus and plugins as this test."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GUILDHALL_") and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DATABASE_URL=settings.database.url.get_secret_value(),
               GUILDHALL_PLUGINS__ENABLED=json.dumps(settings.plugins.enabled),
               GUILDHALL_LEADER__KEY=settings.leader.key)
    if settings.redis.url.get_secret_value():
        env["REDIS_URL"] = settings.redis.url.get_secret_value()
    return env


async def start_peer(mode: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    """A worker buffering data for both users; returns once it says ``ready``."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.core.services.forget_peer", mode, str(GUILD), str(LEAVER),
        str(STAYER), cwd=ROOT, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert await line_from(process) == "ready activity=2 xp=2 stats=2"
    return process


async def line_from(process: asyncio.subprocess.Process) -> str:
    """The worker's next output line (its error output when it died instead)."""
    assert process.stdout is not None and process.stderr is not None
    line = await asyncio.wait_for(process.stdout.readline(), WAIT)
    if not line:
        raise AssertionError((await process.stderr.read()).decode()[-3000:])
    return line.decode().strip()


async def flush(process: asyncio.subprocess.Process) -> str:
    """Make the worker write its buffers; its report after."""
    assert process.stdin is not None
    process.stdin.write(b"flush\n")
    await process.stdin.drain()
    return await line_from(process)


async def stop(process: asyncio.subprocess.Process) -> None:
    """Close the worker's input and wait for it to exit."""
    if process.returncode is None:
        assert process.stdin is not None
        process.stdin.close()
        _, err = await asyncio.wait_for(process.communicate(), WAIT)
        assert process.returncode == 0, err.decode()[-3000:]


async def test_buffered_data_of_other_workers_never_recreates_a_deleted_user(
    guildhall_db,
) -> None:
    await deletion_holds_across_workers(guildhall_db.settings, guildhall_db.plugins)


async def deletion_holds_across_workers(settings: Settings, plugins: PluginManager) -> None:
    """Two peers on the bus of ``settings``; the deletion runs here; nothing comes back."""
    mine = coordination_for(settings).make_bus()
    await mine.start()
    bus.install(mine)
    env = peer_env(settings)
    peers: list[asyncio.subprocess.Process] = []
    try:
        listening = await start_peer("listen", env)
        peers.append(listening)
        deaf = await start_peer("deaf", env)
        peers.append(deaf)
        await User.create(user_id=LEAVER, username="leaver")
        await GuildMember.create(user_id=LEAVER, guild_id=GUILD, xp=5)

        report = await privacy.delete_user(plugins, LEAVER)

        assert report.complete
        # the listening worker dropped the user's buffered data when told
        assert await line_from(listening) == f"forgot {LEAVER} activity=1 xp=1 stats=1"
        assert await flush(listening) == "flushed activity=0 xp=0 stats=0"
        # the deaf one still holds it, and its flush obeys the fence instead
        assert await flush(deaf) == "flushed activity=0 xp=0 stats=0"

        assert not await User.filter(user_id=LEAVER).exists()
        assert not await GuildMember.filter(user_id=LEAVER).exists()
        assert not await CommandStat.filter(user_id=LEAVER).exists()
        # the other user's data from both workers was written: the flushes did run
        stayer = await GuildMember.get(user_id=STAYER, guild_id=GUILD)
        assert stayer.xp == 20
        assert await User.filter(user_id=STAYER).exists()
        assert await CommandStat.filter(user_id=STAYER).count() == 2
    finally:
        for process in peers:
            await stop(process)
        bus.install(None)
        await mine.stop()
