"""Another process switching a plugin, as the web dashboard does:
``python -m tests.core.services.switch_peer GUILD_ID PLUGIN on|off ACTOR_ID``.

Reads settings from the environment (``DATABASE_URL``, ``REDIS_URL``, ``GUILDHALL_...``),
opens the database, starts and installs the deployment's bus, calls
:func:`core.services.plugin_switches.set_enabled` (source ``web``) and prints whether it
changed anything and the wall-clock time just after its bus message went out.
"""

from __future__ import annotations

import asyncio
import sys
import time

from core.coordination import bus, coordination_for
from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.runtime.config import load_settings
from core.services import plugin_switches


async def main(guild_id: int, plugin: str, enabled: bool, actor_id: int) -> None:
    """Switch the plugin once and report."""
    settings = load_settings()
    runtime = Runtime.from_settings(settings)
    await runtime.open_database()
    channel = coordination_for(settings).make_bus()
    await channel.start()
    bus.install(channel)
    try:
        changed = await plugin_switches.set_enabled(
            guild_id, plugin, enabled, actor_id=actor_id, source="web",
            known=runtime.plugins.enabled,
        )
        print(changed, time.time(), flush=True)
    finally:
        bus.install(None)
        await channel.stop()
        await close_database()


if __name__ == "__main__":
    guild, name, state, actor = sys.argv[1:5]
    asyncio.run(main(int(guild), name, state == "on", int(actor)))
