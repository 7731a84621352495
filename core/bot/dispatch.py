"""Event dispatch tuned for the message hot path.

Mixed into :class:`core.bot.guildhall_bot.GuildhallBot`.

disnake starts one task per listener per event. With the bot's ``on_message`` and every
plugin's message listener that is several tasks per message, and one more per gateway
event for a ``socket_event_type`` listener - more than the rest of the message costs. So:

- A cog method decorated with :func:`message_hook` is a plain (not async) function
  called inline for every message, before any task starts. It does the cheap checks on
  cached data and returns ``None`` when it is done, or an awaitable for the rest of its
  work (a cache miss, a reply), which then runs in the message's task.
- Every ``on_message`` listener (disnake's ``@commands.Cog.listener``) and the awaitables
  from the hooks run in ONE task per message, one after the other; an error in one is
  reported (``on_error``) and the next still runs. A listener that must wait long for
  one message should start its own task rather than hold up the ones after it.
- The bot's own message work is :meth:`BatchedDispatch.message_seen`, run inline the same
  way; so a message that needs nothing asynchronous starts no task at all.
- Gateway event types are counted synchronously in ``gateway_events``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from disnake.ext import commands

log = logging.getLogger(__name__)
Listener = Callable[..., Coroutine[Any, Any, Any]]
MessageHook = Callable[[Any], Awaitable[Any] | None]
F = TypeVar("F", bound=Callable[..., Any])
BATCHED_EVENTS = frozenset({"message"})
_CLASS_HAS: dict[tuple[type, str], bool] = {}
_METHOD_NAMES: dict[str, str] = {}
HOOK_MARK = "__guildhall_message_hook__"


def message_hook(func: F) -> F:
    """Mark a cog's sync method ``(self, message) -> Awaitable | None`` as a message hook."""
    if inspect.iscoroutinefunction(func):
        raise TypeError(f"message hook {func.__qualname__} must be a plain function")
    setattr(func, HOOK_MARK, True)
    return func


class BatchedDispatch:
    """Mixin for a disnake ``Client``: batched message listeners, counted event types."""

    gateway_events: Counter[str]
    _batch: list[Listener] | None = None
    _message_hooks: tuple[tuple[commands.Cog, MessageHook], ...] = ()

    def add_cog(self, cog: commands.Cog, *, override: bool = False) -> None:
        """Add the cog (disnake) and register its :func:`message_hook` methods."""
        super().add_cog(cog, override=override)  # type: ignore[misc]
        hooks = [
            getattr(cog, name) for name, member in inspect.getmembers(type(cog))
            if getattr(member, HOOK_MARK, False)
        ]
        self._message_hooks += tuple((cog, hook) for hook in hooks)

    def remove_cog(self, name: str) -> commands.Cog | None:
        """Remove the cog (disnake) and its message hooks."""
        cog = super().remove_cog(name)  # type: ignore[misc]
        self._message_hooks = tuple(h for h in self._message_hooks if h[0] is not cog)
        return cog

    def dispatch(self, event: str, *args: Any, **kwargs: Any) -> None:
        """Count gateway event types; run a batched event's listeners in one task."""
        if event not in BATCHED_EVENTS:
            if event == "socket_event_type":
                self.gateway_events[args[0]] += 1
                if not self._has_listeners(event):  # the common case: nothing else to do
                    return
            super().dispatch(event, *args, **kwargs)  # type: ignore[misc]
            return
        batch: list[Listener] = []
        rest = self._run_hooks(args[0]) if event == "message" else None
        if not self._has_listeners(event, own_method=False):
            if rest:  # only the hooks' follow-ups: no need for disnake's dispatch at all
                self._spawn_batch(self._run_batch(f"on_{event}", [], args, kwargs, rest),
                                  f"disnake: on_{event}", args)
            return
        self._batch = batch
        try:
            super().dispatch(event, *args, **kwargs)  # type: ignore[misc]
        finally:
            self._batch = None
        if batch or rest:
            self._spawn_batch(self._run_batch(f"on_{event}", batch, args, kwargs, rest),
                              f"disnake: on_{event}", args)

    def _spawn_batch(self, coro: Coroutine[Any, Any, None], name: str, args: tuple) -> None:
        """Start the task of a batched event (override to give it a context)."""
        asyncio.create_task(coro, name=name)

    def _has_listeners(self, event: str, own_method: bool = True) -> bool:
        """Whether dispatching ``event`` would reach anything (``own_method``: count the
        class's ``on_<event>``; the bot's own ``on_message`` runs as ``message_seen``)."""
        method = _METHOD_NAMES.get(event) or _METHOD_NAMES.setdefault(event, f"on_{event}")
        if own_method:
            cls = type(self)
            on_class = _CLASS_HAS.get((cls, method))
            if on_class is None:
                on_class = _CLASS_HAS[(cls, method)] = hasattr(cls, method)
            if on_class:
                return True
        return bool(
            self._listeners.get(event)  # type: ignore[attr-defined]
            or self.extra_events.get(method)  # type: ignore[attr-defined]
            or method in self.__dict__
        )

    def message_seen(self, message: Any) -> Awaitable[Any] | None:
        """The bot's own inline work for a message (override); a message hook of the bot.

        While it is run inline by :meth:`dispatch`, the bot's own ``on_message`` method is
        not scheduled (it stays for direct calls).
        """
        return None

    def _run_hooks(self, message: Any) -> list[Awaitable[Any]] | None:
        rest = None
        first = self.message_seen(message)
        if first is not None:
            rest = [first]
        for _cog, hook in self._message_hooks:
            try:
                more = hook(message)
            except Exception:
                log.exception("message hook %s failed", hook.__qualname__)
                continue
            if more is not None:
                rest = [more] if rest is None else [*rest, more]
        return rest

    def _schedule_event(
        self, coro: Listener, event_name: str, *args: Any, **kwargs: Any
    ) -> asyncio.Task | None:
        if self._batch is not None:
            if event_name != "on_message" or getattr(coro, "__self__", None) is not self:
                self._batch.append(coro)  # the bot's own on_message ran as message_seen
            return None
        return super()._schedule_event(coro, event_name, *args, **kwargs)  # type: ignore[misc]

    async def _run_batch(
        self, event_name: str, listeners: list[Listener], args: tuple, kwargs: dict[str, Any],
        rest: list[Awaitable[Any]] | None = None,
    ) -> None:
        for awaitable in rest or ():
            try:
                await awaitable
            except Exception:
                log.exception("message hook failed after its first step")
        run = self._run_event  # type: ignore[attr-defined]
        for listener in listeners:
            await run(listener, event_name, *args, **kwargs)
