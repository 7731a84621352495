"""Another process for the REST budget tests: ``python -m tests.core.coordination.rest_sender
API_BASE TOKEN SHARE WHERE RATE COUNT``.

A real disnake ``HTTPClient`` with the REST budget installed (as the bot installs it)
sends ``COUNT`` concurrent ``GET /users/@me``. ``SHARE`` is ``redis`` (``WHERE`` = Redis
URL and key, joined by a space) or ``file`` (``WHERE`` = the bucket's lock file). Prints
``ready``, starts when a line arrives on standard input, prints ``done`` at the end.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import disnake
from disnake.http import HTTPClient, Route

from core.bot.rest_budget import install_rest_budget
from core.coordination.invalid_requests import FileInvalidCounter, RedisInvalidCounter
from core.coordination.rate_bucket import FileRateBucket, RedisRateBucket
from core.coordination.rest_budget import RestBudget


def budget_for(share: str, where: str, rate: float) -> RestBudget:
    """The budget shared through Redis or through a file."""
    if share == "redis":
        url, key = where.split(" ")
        return RestBudget(
            RedisRateBucket(url, f"{key}:global", rate), RedisInvalidCounter(url, f"{key}:inv")
        )
    path = Path(where)
    return RestBudget(
        FileRateBucket(path, rate), FileInvalidCounter(path.with_suffix(".invalid"))
    )


async def main(api_base: str, token: str, share: str, where: str, rate: str, count: str) -> None:
    """Send ``count`` requests once told to start."""
    disnake.http.Route.BASE = api_base
    http = HTTPClient(loop=asyncio.get_running_loop())
    budget = budget_for(share, where, float(rate))
    await http.static_login(token)  # before the budget: not part of the counted burst
    install_rest_budget(http, budget)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await asyncio.gather(*(http.request(Route("GET", "/users/@me")) for _ in range(int(count))))
    await http.close()
    await budget.close()
    print("done", flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:7]))
