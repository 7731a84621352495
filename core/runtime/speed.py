"""The production speed profile: uvloop as the event loop, orjson for gateway JSON.

Both come with the optional extra ``speed`` (``pip install 'guildhall[speed]'``). disnake
decodes and encodes gateway and REST JSON with orjson on its own when it is installed.
The worker installs uvloop's event loop policy before it creates its loop when
``[bot] use_uvloop`` is true (the default) and uvloop is importable; otherwise asyncio's
own loop runs, unchanged.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging

log = logging.getLogger(__name__)


def available() -> dict[str, bool]:
    """Which speed packages are importable: ``{"uvloop": ..., "orjson": ...}``."""
    return {name: importlib.util.find_spec(name) is not None for name in ("uvloop", "orjson")}


def install_event_loop_policy(use_uvloop: bool) -> bool:
    """Make new event loops uvloop's when asked and installed; True when it did."""
    if not use_uvloop or not available()["uvloop"]:
        return False
    import uvloop

    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    log.debug("event loop: uvloop %s", uvloop.__version__)
    return True
