"""Another process for the bus tests: ``python -m tests.core.coordination.bus_peer REDIS_URL CHANNEL
PG_DSN PG_CHANNEL SOCKET_DIR``.

Starts a Redis, a PostgreSQL and a socket bus; on each, answers every ``ping`` message by
publishing ``pong`` ``{"echo": payload, "via": backend}`` on the same bus. Prints ``ready``
when all three listen, and exits when its standard input closes.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from core.coordination.bus import Bus, PostgresBus, RedisBus, SocketBus


def answer(bus: Bus, via: str) -> None:
    """Subscribe ``bus`` to ``ping``, replying ``pong`` on the same bus."""

    async def pong(payload: dict[str, Any]) -> None:
        await bus.publish("pong", {"echo": payload, "via": via})

    bus.subscribe("ping", pong)


async def main(args: list[str]) -> None:
    """Run the three buses until stdin closes."""
    buses = {
        "redis": RedisBus(args[0], args[1]),
        "postgres": PostgresBus(args[2], args[3]),
        "socket": SocketBus(Path(args[4])),
    }
    for via, bus in buses.items():
        answer(bus, via)
        await bus.start()
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for bus in buses.values():
        await bus.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
