"""The cluster's IDENTIFY limits: ``[cluster]`` settings applied to the deployment's limiter.

The limiters themselves (Redis keys, local lock files) live in
:mod:`core.coordination.identify` and are chosen with every other coordination piece by
:func:`core.coordination.coordination_for`; what is cluster-specific is the key, the
window and the margin from ``[cluster]`` and the number of buckets of the shard plan.
"""

from __future__ import annotations

import contextlib

from core.coordination import Coordination, coordination_for
from core.coordination.identify import IdentifyLimiter
from core.runtime.config import Settings


def make_limiter(
    settings: Settings, max_concurrency: int, coordination: Coordination | None = None
) -> IdentifyLimiter:
    """The deployment's limiter (Redis when ``[redis] url`` is set, else local files) with
    ``[cluster]``'s key, window and margin and ``max_concurrency`` buckets."""
    cluster = settings.cluster
    chosen = coordination if coordination is not None else coordination_for(settings)
    return chosen.make_identify_limiter(
        cluster.identify_key, cluster.identify_window_seconds, max_concurrency,
        cluster.identify_margin_seconds,
    )


async def close_quietly(limiter: IdentifyLimiter) -> None:
    """Close ``limiter``, ignoring connection errors at shutdown."""
    with contextlib.suppress(Exception):
        await limiter.close()
