"""``asyncio.run`` with a bounded teardown, for processes that must exit when told to.

After the main coroutine returns, :func:`asyncio.run` cancels every task still running
and waits for all of them, then waits for every executor thread - with no limit, so one
task that ignores cancellation, or one thread busy in a long synchronous call, keeps a
stopped process alive until it is killed. :func:`run_bounded` gives leftovers
``grace`` seconds, logs the ones that ignore it by name, and exits anyway.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
from collections.abc import Coroutine
from typing import Any, NoReturn

log = logging.getLogger(__name__)
EXIT_GRACE_SECONDS = 3.0


def run_bounded(main: Coroutine[Any, Any, int], grace: float = EXIT_GRACE_SECONDS) -> int:
    """Run ``main`` on a new event loop; return its result after a teardown of at most
    about ``2 * grace`` seconds (leftover tasks, then async generators)."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(main)
    finally:
        try:
            _cancel_leftovers(loop, grace)
            loop.run_until_complete(_bounded(loop.shutdown_asyncgens(), grace))
        finally:
            asyncio.set_event_loop(None)
            loop.close()  # does not wait for the executor's threads


def exit_bounded(code: int, grace: float = EXIT_GRACE_SECONDS) -> NoReturn:
    """``sys.exit(code)``, unless a non-daemon thread is still busy after ``grace`` s:
    then log it, flush the logs and end the process at once (the interpreter would
    otherwise wait for that thread forever)."""
    deadline = time.monotonic() + grace
    for thread in _busy_threads():
        thread.join(max(deadline - time.monotonic(), 0))
    busy = _busy_threads()
    if not busy:
        sys.exit(code)
    log.error("threads still busy at exit, not waiting for them: %s",
              ", ".join(thread.name for thread in busy))
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _busy_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate()
            if thread is not threading.main_thread() and not thread.daemon
            and thread.is_alive()]


def _cancel_leftovers(loop: asyncio.AbstractEventLoop, grace: float) -> None:
    tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    _, pending = loop.run_until_complete(asyncio.wait(tasks, timeout=grace))
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception() is not None:
            log.error("task %s failed while stopping", task.get_name(),
                      exc_info=task.exception())
    if pending:
        log.error("tasks ignoring cancellation at exit, left behind: %s",
                  ", ".join(sorted(task.get_name() for task in pending)))


async def _bounded(coro: Coroutine[Any, Any, None], grace: float) -> None:
    task = asyncio.ensure_future(coro)
    await asyncio.wait({task}, timeout=grace)
    if not task.done():
        task.cancel()
