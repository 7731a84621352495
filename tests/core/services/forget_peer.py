"""Another worker for the privacy tests: ``python -m tests.core.services.forget_peer listen|deaf
GUILD_ID USER_ID...``.

Reads settings from the environment like the bot (``DATABASE_URL``, ``REDIS_URL``,
``GUILDHALL_...``), builds a real :class:`GuildhallBot` (not connected to Discord) and
buffers, for each user, a sighting, an XP award and a command use. ``listen`` starts the
deployment's bus and obeys ``privacy.forget`` (printing ``forgot`` and its buffer sizes
after each); ``deaf`` never hears the bus (a worker that missed the message). Prints
``ready`` and the sizes, flushes on the input line ``flush`` (printing ``flushed``), and
exits when its standard input closes.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from core.bot.guildhall_bot import GuildhallBot
from core.coordination import bus, coordination_for
from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.runtime.config import load_settings
from core.services import privacy_bus


def sizes(bot: GuildhallBot) -> str:
    """``activity=N xp=N stats=N``: items waiting in the three buffers."""
    xp = sum(len(cog.buffer) for cog in bot.cogs.values() if hasattr(cog, "buffer"))
    stats = sum(len(cog.recorder) for cog in bot.cogs.values() if hasattr(cog, "recorder"))
    return f"activity={len(bot.user_activity)} xp={xp} stats={stats}"


async def main(mode: str, guild_id: int, user_ids: list[int]) -> None:
    """Buffer data for the users, then answer the test until stdin closes."""
    settings = load_settings()
    runtime = Runtime.from_settings(settings)
    await runtime.open_database()
    bot = GuildhallBot(settings, runtime.plugins)
    channel = coordination_for(settings).make_bus() if mode == "listen" else None
    if channel is not None:
        privacy_bus.listen(channel, bot)

        def report(payload: dict[str, Any]) -> None:
            print("forgot", payload.get("user_id"), sizes(bot), flush=True)

        channel.subscribe(privacy_bus.FORGET_TOPIC, report)
        await channel.start()
        bus.install(channel)
    leveling, analytics = bot.get_cog("Leveling"), bot.get_cog("Analytics")
    for user_id in user_ids:
        bot.user_activity.record(user_id, f"user{user_id}")
        leveling.buffer.add(user_id, guild_id, 10, f"user{user_id}")  # type: ignore[union-attr]
        analytics.recorder.record("ping", guild_id, user_id)  # type: ignore[union-attr]
    print("ready", sizes(bot), flush=True)
    loop = asyncio.get_running_loop()
    try:
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            if line.strip() == "flush":
                await bot.flush()
                print("flushed", sizes(bot), flush=True)
    finally:
        for cog in list(bot.cogs.values()):
            cog.cog_unload()
        if channel is not None:
            bus.install(None)
            await channel.stop()
        await close_database()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), [int(u) for u in sys.argv[3:]]))
