"""A process competing for IDENTIFY slots (for the limiter tests).

``python -m tests.cluster.identify_contender START BACKEND TARGET WINDOW BUCKETS SHARDS...``
waits until wall-clock START, then acquires a slot for every shard in turn (BACKEND
``redis`` with TARGET = url|key, or ``file`` with TARGET = directory) and prints one JSON
line per slot: ``{"shard": n, "at": wall-clock seconds}``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from core.coordination.identify import FileIdentifyLimiter, IdentifyLimiter, RedisIdentifyLimiter


async def main(argv: list[str]) -> None:
    start, backend, target, window, buckets, *shards = argv
    limiter: IdentifyLimiter
    if backend == "redis":
        url, key = target.split("|")
        limiter = RedisIdentifyLimiter(url, key, float(window), int(buckets))
    else:
        limiter = FileIdentifyLimiter(Path(target), "test", float(window), int(buckets))
    await asyncio.sleep(max(float(start) - time.time(), 0))
    for shard in map(int, shards):
        await limiter.acquire(shard)
        print(json.dumps({"shard": shard, "at": time.time()}), flush=True)
    await limiter.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
