"""Another process for the REST budget tests: ``python -m tests.core.coordination.rest_sender
API_BASE TOKEN SHARE WHERE RATE COUNT [CHANNEL]``.

A real disnake ``HTTPClient`` with the REST budget installed (as the bot installs it)
sends ``COUNT`` concurrent ``GET /users/@me`` and, with ``CHANNEL``, ``COUNT`` concurrent
messages to that channel (one route bucket). ``SHARE`` is ``redis`` (``WHERE`` = Redis
URL and key, joined by a space) or ``file`` (``WHERE`` = the global bucket's lock file; the
route buckets' file is beside it). Prints ``ready``, starts when a line arrives on
standard input, prints ``done`` and the requests that waited on a route bucket at the end.
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
from core.coordination.route_buckets import FileRouteBuckets, RedisRouteBuckets


def budget_for(share: str, where: str, rate: float) -> RestBudget:
    """The budget shared through Redis or through a file."""
    if share == "redis":
        url, key = where.split(" ")
        return RestBudget(
            RedisRateBucket(url, f"{key}:global", rate), RedisInvalidCounter(url, f"{key}:inv"),
            routes=RedisRouteBuckets(url, f"{key}:route"),
        )
    path = Path(where)
    return RestBudget(
        FileRateBucket(path, rate), FileInvalidCounter(path.with_suffix(".invalid")),
        routes=FileRouteBuckets(path.with_suffix(".routes")),
    )


async def main(
    api_base: str, token: str, share: str, where: str, rate: str, count: str,
    channel: str = "",
) -> None:
    """Send ``count`` requests (and ``count`` messages to ``channel``) once told to start."""
    disnake.http.Route.BASE = api_base
    http = HTTPClient(loop=asyncio.get_running_loop())
    budget = budget_for(share, where, float(rate))
    await http.static_login(token)  # before the budget: not part of the counted burst
    install_rest_budget(http, budget)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    requests = [http.request(Route("GET", "/users/@me")) for _ in range(int(count))]
    if channel:
        requests += [http.send_message(int(channel), content=f"m{n}") for n in range(int(count))]
    await asyncio.gather(*requests)
    await http.close()
    await budget.close()
    print("done", budget.route_waits, flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:8]))
