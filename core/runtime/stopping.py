"""Bounded stops: cancel work and wait for it, but never longer than a deadline.

``asyncio.wait_for(coro, t)`` is not a bound on a stop path: on timeout it cancels the
inner task and then waits for that cancellation to finish, so a coroutine that ignores
or defers cancellation (a library teardown that shields itself, a handler catching
``CancelledError``) hangs the caller forever. These helpers wait with
:func:`asyncio.wait`, which returns at the deadline whatever the task does, log what
did not stop, and leave it behind (a stopping process never waits on it again).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterable
from typing import Any

log = logging.getLogger(__name__)


async def cancel_and_wait(
    tasks: Iterable[asyncio.Future[Any]], timeout: float, what: str  # noqa: ASYNC109
) -> set[asyncio.Future[Any]]:
    """Cancel ``tasks`` and wait at most ``timeout`` s for them; return those still running.

    A task already being cancelled is not cancelled again: a second cancel would cut its
    own bounded clean-up short."""
    tasks = [task for task in tasks if not task.done()]
    for task in tasks:
        if not (isinstance(task, asyncio.Task) and task.cancelling()):
            task.cancel()
    return await wait_stopped(tasks, timeout, what)


async def wait_stopped(
    tasks: Iterable[asyncio.Future[Any]], timeout: float, what: str  # noqa: ASYNC109
) -> set[asyncio.Future[Any]]:
    """Wait at most ``timeout`` s for ``tasks`` (already told to stop); return those still
    running (logged). If the caller is cancelled, that propagates at once."""
    pending = {task for task in tasks if not task.done()}
    if pending:
        _, pending = await asyncio.wait(pending, timeout=max(timeout, 0))
    for task in pending:
        log.error("%s: %s did not stop within %g s; left behind", what, _name(task), timeout)
    return pending


async def finish_within(awaitable: Awaitable[Any], timeout: float, what: str) -> bool:  # noqa: ASYNC109
    """Run ``awaitable`` for at most ``timeout`` s; cancel it after that (without waiting
    for it to agree). True when it finished in time; its errors are logged, not raised."""
    task = asyncio.ensure_future(awaitable)
    try:
        done, _ = await asyncio.wait({task}, timeout=max(timeout, 0))
    except asyncio.CancelledError:
        task.cancel()
        raise
    if not done:
        log.error("%s did not finish within %g s; abandoned", what, timeout)
        task.cancel()
        return False
    if not task.cancelled() and task.exception() is not None:
        log.warning("%s failed: %r", what, task.exception())
        return False
    return True


def _name(task: asyncio.Future[Any]) -> str:
    return task.get_name() if isinstance(task, asyncio.Task) else repr(task)
