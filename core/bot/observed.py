"""Metrics and log context on the bot's dispatch paths (mixed into ``GuildhallBot``).

- every dispatched event makes its first argument (message, interaction, guild...) the
  log scope of the tasks it starts: one ``ContextVar.set`` per event, the guild and
  shard are only looked up when a line is logged (:mod:`core.runtime.log_context`);
- a prefix or application command runs in the scope of the plugin owning its cog, and
  its end (``*_completion`` / ``*_error`` events) is counted by command, kind and outcome
  with its duration (:mod:`core.metrics`);
- :meth:`start_observing` starts the metrics endpoint when ``[metrics] enabled``.
"""

from __future__ import annotations

import time
from collections.abc import Coroutine
from typing import Any

import disnake
from disnake.ext import commands
from disnake.interactions import ApplicationCommandInteraction

from core import metrics
from core.metrics import health
from core.runtime import log_context
from core.runtime.log_context import SCOPE

STARTED = "_guildhall_started"  # perf_counter() stamped on a Context / interaction
_KINDS = {
    "command": "prefix",
    "slash_command": "slash",
    "user_command": "user",
    "message_command": "message",
}
OUTCOMES = {
    **{f"{event}_completion": kind for event, kind in _KINDS.items()},
    **{f"{event}_error": kind for event, kind in _KINDS.items()},
}
_APP_COMMANDS = {
    disnake.ApplicationCommandType.chat_input: "all_slash_commands",
    disnake.ApplicationCommandType.user: "all_user_commands",
    disnake.ApplicationCommandType.message: "all_message_commands",
}


def _plugin_of(command: Any) -> str | None:
    return log_context.plugin_of_cog(getattr(command, "cog", None))


def _record_outcome(event_name: str, kind: str, args: tuple[Any, ...]) -> None:
    error = args[1] if event_name.endswith("_error") and len(args) > 1 else None
    if error is not None and kind == "prefix" and args[0].command is None:
        return  # an unknown prefix command: not a command run
    _record(kind, args[0], error)


def _record(kind: str, target: Any, error: BaseException | None) -> None:
    started = getattr(target, STARTED, None)
    if started is None:
        return  # not started through invoke / process_application_commands
    if kind == "prefix":
        command = target.command
    else:
        command = getattr(target, "application_command", None)
    name = getattr(command, "qualified_name", None) or getattr(target.data, "name", "?")
    metrics.record_command(name, kind, error, started)


class ObservedBot:
    """Mixin for :class:`core.bot.guildhall_bot.GuildhallBot`.

    It comes before disnake's classes in the MRO.
    """

    cluster_index: int = 0  # a cluster worker's bot sets its index

    def _dispatch_event(self, event_name: str, *args: Any, **kwargs: Any) -> None:
        """Count command outcomes; dispatch with the event's subject as log scope.

        Only events that are not batched come here (``core.bot.dispatch``); batched ones
        (messages: the hottest path) get their scope only when their task starts
        (:meth:`_spawn_batch`): most messages start none.
        """
        if not args:
            super()._dispatch_event(event_name, *args, **kwargs)  # type: ignore[misc]
            return
        kind = OUTCOMES.get(event_name)
        if kind is not None:
            _record_outcome(event_name, kind, args)
        outer = SCOPE.get()  # a command's error event keeps the command's plugin
        token = SCOPE.set((outer[0] if outer else None, args[0], self))
        try:
            super()._dispatch_event(event_name, *args, **kwargs)  # type: ignore[misc]
        finally:
            SCOPE.reset(token)

    def _spawn_batch(self, coro: Coroutine[Any, Any, None], name: str, args: tuple) -> None:
        """Start a batched event's task with the event's subject as its log scope."""
        if not args:
            super()._spawn_batch(coro, name, args)  # type: ignore[misc]
            return
        outer = SCOPE.get()
        token = SCOPE.set((outer[0] if outer else None, args[0], self))
        try:
            super()._spawn_batch(coro, name, args)  # type: ignore[misc]
        finally:
            SCOPE.reset(token)

    async def invoke(self, ctx: commands.Context) -> None:
        """Run a prefix command in its plugin's log scope, timed."""
        if ctx.command is None:
            await super().invoke(ctx)  # type: ignore[misc]
            return
        setattr(ctx, STARTED, time.perf_counter())
        token = log_context.enter(_plugin_of(ctx.command), ctx, self)
        try:
            await super().invoke(ctx)  # type: ignore[misc]
        finally:
            log_context.leave(token)

    async def process_application_commands(
        self, interaction: ApplicationCommandInteraction
    ) -> None:
        """Run an application command in its plugin's log scope, timed."""
        table = getattr(self, _APP_COMMANDS.get(interaction.data.type, ""), None) or {}
        command = table.get(interaction.data.name)
        setattr(interaction, STARTED, time.perf_counter())
        token = log_context.enter(_plugin_of(command), interaction, self)
        try:
            await super().process_application_commands(interaction)  # type: ignore[misc]
        finally:
            log_context.leave(token)

    async def start_observing(self) -> None:
        """Report this bot's metrics; serve them when ``[metrics] enabled``."""
        settings = self.settings  # type: ignore[attr-defined]
        log_context.set_cluster(self.cluster_index)
        metrics.watch_bot(self)
        health.track_shards(self)
        if settings.metrics.enabled:
            await metrics.start_exporter(settings, self.cluster_index)

    def stop_observing(self) -> None:
        """Stop reporting this bot (the process's exporter keeps serving)."""
        metrics.unwatch_bot(self)
