"""`guildhall run` as an operator starts it: a real process connecting to the double.

The process migrates, connects every shard, answers a member, becomes the leader, and on
SIGTERM flushes its buffered writes (the member's users row) before exiting 0.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys

from core.models import User
from core.testing.bot_fixtures import channel_reply
from tests.helpers import ROOT


async def test_guildhall_run_serves_and_stops_cleanly(
    guildhall_db, guildhall_double, guildhall_demo
) -> None:
    double, demo, settings = guildhall_double, guildhall_demo, guildhall_db.settings
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith("GUILDHALL_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DISCORD_TOKEN=double.token,
        DATABASE_URL=settings.database.url.get_secret_value(),
        GUILDHALL_DISCORD__API_BASE=double.api_base,
        GUILDHALL_PLUGINS__ENABLED=json.dumps(settings.plugins.enabled),
        GUILDHALL_LEADER__DUTIES='["timers"]',
        GUILDHALL_LEADER__KEY=settings.leader.key,
        GUILDHALL_BOT__ACTIVITY_FLUSH_SECONDS="3600",  # only the shutdown flush writes
    )
    if settings.redis.url.get_secret_value():
        env["REDIS_URL"] = settings.redis.url.get_secret_value()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from core.cli import main; main()", "run",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        await double.wait_for_sessions(2, timeout=45)
        await double.send_message(demo.general, demo.member, "!ping")
        reply = await channel_reply(double, demo.general, timeout=20)
        assert reply.content.startswith("Pong")
        assert await User.filter(user_id=demo.member.id).count() == 0  # still buffered
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()[-2000:]
    user = await User.get(user_id=demo.member.id)
    assert user.username == demo.member.user.username
