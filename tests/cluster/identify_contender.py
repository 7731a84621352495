"""A process competing for IDENTIFY slots (for the limiter tests).

``python -m tests.cluster.identify_contender BACKEND TARGET WINDOW BUCKETS SHARDS...``
prints ``ready`` once imported and connected, waits for a line on stdin (the start
signal, sent when every contender is ready), then acquires a slot for every shard in turn (BACKEND
``redis`` with TARGET = url|key, or ``file`` with TARGET = directory) and prints one JSON
line per slot: ``{"shard": n, "called": t0, "at": t1}`` (wall-clock seconds just before
the request and just after the grant: the slot was taken somewhere between the two).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from core.coordination.identify import FileIdentifyLimiter, IdentifyLimiter, RedisIdentifyLimiter


async def main(argv: list[str]) -> None:
    backend, target, window, buckets, *shards = argv
    limiter: IdentifyLimiter
    if backend == "redis":
        url, key = target.split("|")
        limiter = RedisIdentifyLimiter(url, key, float(window), int(buckets))
    else:
        limiter = FileIdentifyLimiter(Path(target), "test", float(window), int(buckets))
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)  # every contender starts together
    for shard in map(int, shards):
        called = time.time()
        await limiter.acquire(shard)
        print(json.dumps({"shard": shard, "called": called, "at": time.time()}), flush=True)
    await limiter.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
