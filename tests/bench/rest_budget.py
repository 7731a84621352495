"""What the shared REST budget costs per request: ``python -m tests.bench.rest_budget``.

One disnake ``HTTPClient`` sends ``--requests`` messages, ``--concurrency`` at a time,
spread over ``--channels`` channels of the Discord double (in this process, limits off),
in three modes side by side per engine (``--engines file,redis``):

* ``bare``: no REST budget (disnake alone);
* ``global``: the global bucket (at a rate that never waits) and the invalid count, as
  before per-route buckets were shared;
* ``routes``: the same plus the shared per-route buckets (the default).

Printed: requests/s (wall) and CPU microseconds per request of this process (client and
double; the best of ``--rounds``, interleaved). Goal: the shared route buckets add at most
``--goal-us`` (default 1,000) CPU microseconds per request over ``global`` on every engine:
at Discord's global limit of 50 requests/s per bot that is at most 5% of one core for the
whole cluster. Every request must be answered 200.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from disnake.http import HTTPClient

from core.bot.rest_budget import install_rest_budget
from core.coordination.invalid_requests import FileInvalidCounter, RedisInvalidCounter
from core.coordination.rate_bucket import FileRateBucket, RedisRateBucket
from core.coordination.rest_budget import RestBudget
from core.coordination.route_buckets import FileRouteBuckets, RedisRouteBuckets
from core.testing.double import DiscordDouble, disnake_pointed_at
from tests.bench.common import bench_exit

REDIS_URL = os.environ.get("GUILDHALL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
NEVER_WAITS = 1_000_000.0  # requests/s of the global bucket: paced, never waiting


@dataclass
class Figure:
    """One mode's run."""

    engine: str
    mode: str
    per_second: float
    cpu_us: float
    ok: int


def budget_for(engine: str, mode: str, where: Path, redis_url: str) -> RestBudget | None:
    """The budget of ``mode`` on ``engine`` (``None``: bare disnake)."""
    if mode == "bare":
        return None
    if engine == "redis":
        key = f"bench:rest:{uuid.uuid4().hex}"
        return RestBudget(
            RedisRateBucket(redis_url, f"{key}:global", NEVER_WAITS),
            RedisInvalidCounter(redis_url, f"{key}:invalid"),
            routes=RedisRouteBuckets(redis_url, f"{key}:route") if mode == "routes" else None,
        )
    run = where / uuid.uuid4().hex
    return RestBudget(
        FileRateBucket(run.with_suffix(".global"), NEVER_WAITS),
        FileInvalidCounter(run.with_suffix(".invalid")),
        routes=FileRouteBuckets(run.with_suffix(".routes")) if mode == "routes" else None,
    )


async def run_mode(
    double: DiscordDouble, channels: list[int], engine: str, mode: str, args: argparse.Namespace,
    where: Path,
) -> Figure:
    """Send the requests in one mode and measure them."""
    http = HTTPClient(loop=asyncio.get_running_loop())
    await http.static_login(double.token)
    budget = budget_for(engine, mode, where, args.redis_url)
    if budget is not None:
        install_rest_budget(http, budget)
    before = len(double.requests.filter("POST", check=lambda r: r.status == 200))
    queue = list(range(args.requests))

    async def sender() -> None:
        while queue:
            n = queue.pop()
            await http.send_message(channels[n % len(channels)], content=f"m{n}")

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(sender() for _ in range(args.concurrency)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    await http.close()
    if budget is not None:
        await budget.close()
    ok = len(double.requests.filter("POST", check=lambda r: r.status == 200)) - before
    return Figure(engine, mode, args.requests / wall, cpu / args.requests * 1e6, ok)


async def main(args: argparse.Namespace) -> int:
    """Run every engine and mode; print the table and the summary."""
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        async with DiscordDouble() as double:
            guild = double.create_guild("bench")
            channels = [double.create_channel(guild, f"c{n}").id for n in range(args.channels)]
            with disnake_pointed_at(double):
                for _ in range(args.rounds):  # interleaved: the machine's load hits all
                    for engine in args.engines:
                        for mode in ("bare", "global", "routes"):
                            figures.append(
                                await run_mode(double, channels, engine, mode, args, Path(tmp))
                            )
    print(f"{'engine':<7} {'mode':<7} {'requests/s':>11} {'CPU us/request':>15}")
    best: dict[tuple[str, str], Figure] = {}
    for fig in figures:
        key = (fig.engine, fig.mode)
        if key not in best or fig.cpu_us < best[key].cpu_us:
            best[key] = fig
    for (engine, mode), fig in sorted(best.items()):
        print(f"{engine:<7} {mode:<7} {fig.per_second:>11,.0f} {fig.cpu_us:>15,.0f}")
    correct = all(fig.ok == args.requests for fig in figures)
    added = {e: best[(e, "routes")].cpu_us - best[(e, "global")].cpu_us for e in args.engines}
    goals_met = all(us <= args.goal_us for us in added.values())
    shown = ", ".join(f"{e} +{us:,.0f} us" for e, us in added.items())
    verdict = "PASS" if correct and goals_met else "FAIL"
    print(f"summary: shared route buckets add {shown} CPU per request over the global bucket "
          f"(goal <= {args.goal_us:g}); all answered 200: {correct} -> {verdict}")
    return bench_exit(correct, goals_met)


def parse(argv: list[str]) -> argparse.Namespace:
    """The bench's options."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="best of, per mode")
    parser.add_argument("--engines", type=lambda s: s.split(","), default=["file", "redis"])
    parser.add_argument("--redis-url", default=REDIS_URL)
    parser.add_argument("--goal-us", type=float, default=1000.0)
    args = parser.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1 or args.channels < 1 or args.rounds < 1:
        parser.error("--requests, --concurrency, --channels and --rounds must be positive")
    if not set(args.engines) <= {"file", "redis"}:
        parser.error("--engines takes file and/or redis")
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))
