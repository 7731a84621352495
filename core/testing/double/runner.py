"""Helpers to run a real disnake client against a :class:`DiscordDouble` in tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import disnake

from .server import DiscordDouble, point_disnake_at

IdentifyHook = Callable[..., Awaitable[None]]


def bot_intents() -> disnake.Intents:
    """Default intents plus members and message_content (what guildhall bots use)."""
    intents = disnake.Intents.default()
    intents.members = True
    intents.message_content = True
    return intents


def identify_hook(window: float) -> IdentifyHook:
    """A ``before_identify_hook`` that waits ``window`` seconds before non-initial IDENTIFYs.

    disnake's default waits a hard-coded 5 s; this respects the double's shorter window.
    """

    async def hook(shard_id: int | None, *, initial: bool = False) -> None:
        if not initial:
            await asyncio.sleep(window)

    return hook


@dataclass
class RunningClient:
    """A client started with :func:`run_client`; ``stop()`` closes it and its task."""

    client: disnake.Client
    task: asyncio.Task[None]

    async def stop(self, timeout: float = 5.0) -> BaseException | None:  # noqa: ASYNC109
        """Close the client and return the exception its ``start()`` ended with, if any."""
        if not self.client.is_closed():
            await self.client.close()
        try:
            await asyncio.wait_for(asyncio.shield(self.task), timeout)
        except TimeoutError:
            self.task.cancel()
            with contextlib.suppress(BaseException):
                await self.task
            return None
        except BaseException as exc:
            return exc
        return None


async def run_client(
    client: disnake.Client,
    double: DiscordDouble,
    *,
    wait_ready: bool = True,
    timeout: float = 10.0,  # noqa: ASYNC109
    token: str | None = None,
    fast_identify: bool = True,
) -> RunningClient:
    """Point disnake at ``double``, start ``client`` in a task and wait until it is ready.

    With ``fast_identify`` the client's ``before_identify_hook`` waits the double's
    ``identify_window`` instead of disnake's 5 s. Raises the client's exception if it
    stops before becoming ready.
    """
    point_disnake_at(double)
    if fast_identify:
        # replaces disnake's method on this one client (the double's shorter identify wait)
        client.before_identify_hook = identify_hook(  # type: ignore[method-assign, assignment]
            double.config.identify_window)
    task = asyncio.create_task(client.start(token or double.token))
    running = RunningClient(client, task)
    if wait_ready:
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait({ready, task}, timeout=timeout, return_when="FIRST_COMPLETED")
        if task in done:
            ready.cancel()
            await client.close()
            task.result()
            raise RuntimeError("client stopped before it was ready")
        if ready not in done:
            ready.cancel()
            await running.stop()
            raise TimeoutError("client did not become ready in time")
    return running
