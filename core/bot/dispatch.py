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
- A plugin's hooks (guarded by ``core.plugins.gate``) are called directly after one
  lookup of the guild's switched-off plugins per message; only a guild whose switches are
  not cached goes through the guard, which loads them.
- Gateway event types are counted synchronously in ``gateway_events``.
- Every other event goes to :meth:`BatchedDispatch._dispatch_event` (which a mixin
  before this one may override, as ``core.bot.observed`` does), then disnake.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from disnake.ext import commands

from core.services.plugin_switches import cached_disabled

log = logging.getLogger(__name__)
Listener = Callable[..., Coroutine[Any, Any, Any]]
MessageHook = Callable[[Any], Awaitable[Any] | None]
F = TypeVar("F", bound=Callable[..., Any])
BATCHED_EVENTS = frozenset({"message"})
SOCKET_EVENT = "socket_event_type"
_SOCKET_METHOD = "on_socket_event_type"
_CLASS_LISTENS_TO_SOCKET: dict[type, bool] = {}
HOOK_MARK = "__guildhall_message_hook__"
HOOK_PLUGIN = "__guildhall_hook_plugin__"  # on a hook guarded by core.plugins.gate
_NONE_DISABLED: frozenset[str] = frozenset()


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
    # (cog, its plugin or None, the hook, the hook as guarded by the plugin's switch)
    _message_hooks: tuple[tuple[commands.Cog, str | None, MessageHook, MessageHook], ...] = ()

    def add_cog(self, cog: commands.Cog, *, override: bool = False) -> None:
        """Add the cog (disnake) and register its :func:`message_hook` methods."""
        super().add_cog(cog, override=override)  # type: ignore[misc]
        hooks = [
            getattr(cog, name) for name, member in inspect.getmembers(type(cog))
            if getattr(member, HOOK_MARK, False)
        ]
        for hook in hooks:
            plugin = getattr(hook, HOOK_PLUGIN, None)
            bare = hook.__wrapped__ if plugin is not None else hook
            self._message_hooks += ((cog, plugin, bare, hook),)

    def remove_cog(self, name: str) -> commands.Cog | None:
        """Remove the cog (disnake) and its message hooks."""
        cog = super().remove_cog(name)  # type: ignore[misc]
        self._message_hooks = tuple(h for h in self._message_hooks if h[0] is not cog)
        return cog

    def dispatch(self, event: str, *args: Any, **kwargs: Any) -> None:
        """Count gateway event types; run a batched event's listeners in one task."""
        if event == SOCKET_EVENT:  # every gateway event: counted, usually nothing more
            self.gateway_events[args[0]] += 1
            on_class = _CLASS_LISTENS_TO_SOCKET.get(type(self))
            if (  # the listener test inline: this runs for every gateway event
                on_class
                or self._listeners.get(event)  # type: ignore[attr-defined]
                or self.extra_events.get(_SOCKET_METHOD)  # type: ignore[attr-defined]
                or on_class is None and self._socket_method_on_class()
                or _SOCKET_METHOD in self.__dict__
            ):  # no log scope for it (not a guild's event)
                super().dispatch(event, *args, **kwargs)  # type: ignore[misc]
            return
        if event not in BATCHED_EVENTS:
            self._dispatch_event(event, *args, **kwargs)
            return
        batch: list[Listener] = []
        rest = self._run_hooks(args[0])
        if not self._message_listened():
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

    def _dispatch_event(self, event: str, *args: Any, **kwargs: Any) -> None:
        """disnake's dispatch of an event that is not batched (a mixin may wrap it)."""
        super().dispatch(event, *args, **kwargs)  # type: ignore[misc]

    def _socket_method_on_class(self) -> bool:
        """Whether the class has ``on_socket_event_type`` (looked up once per class)."""
        cls = type(self)
        on_class = _CLASS_LISTENS_TO_SOCKET[cls] = hasattr(cls, _SOCKET_METHOD)
        return on_class

    def _message_listened(self) -> bool:
        """Whether a message reaches any ``on_message`` listener or ``wait_for`` (the bot's
        own ``on_message`` runs as :meth:`message_seen`)."""
        return bool(
            self._listeners.get("message")  # type: ignore[attr-defined]
            or self.extra_events.get("on_message")  # type: ignore[attr-defined]
            or "on_message" in self.__dict__
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
        guild = message.guild
        disabled = _NONE_DISABLED if guild is None else cached_disabled(guild.id)
        for _cog, plugin, hook, guarded in self._message_hooks:
            try:
                if plugin is None or (disabled is not None and plugin not in disabled):
                    more = hook(message)
                elif disabled is None:
                    more = guarded(message)  # switches not cached: the guard loads them
                else:
                    continue  # the plugin is switched off in this guild
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
