"""Removing a guild's data when the bot leaves it: at once, or after a grace period.

``[privacy] guild_purge_grace_hours = 0`` (the default) purges on ``GUILD_DELETE``. With a
grace period the bot records a ``guild_departures`` row instead; the leader's hourly
maintenance job ``core.purge_departed_guilds`` purges every guild whose ``purge_after``
has passed, one guild per transaction (fenced when the leader runs it), and a bot re-added
before then deletes the row and keeps the data (:class:`GuildDepartures`).

A purge deletes every plugin's guild rows (``guildhall_guild_purge``) and core's
(``guild_config``, ``guild_members``, ...). The moderation log (``mod_actions`` and its
amendments) is append-only, enforced by database triggers, and is kept.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import cast

from core.db.errors import database_message, is_database_error
from core.db.models import GuildDeparture
from core.maintenance.jobs import JobContext, JobResult
from core.plugins.manager import PluginManager
from core.runtime.config import Settings
from core.services.guild_config import GuildConfigService

log = logging.getLogger(__name__)
GUILDS_PER_QUERY = 100


class GuildPurgeError(Exception):
    """A plugin failed to purge a guild; the caller's transaction is rolled back."""


async def purge_guild(
    plugins: PluginManager,
    guild_configs: GuildConfigService,
    guild_id: int,
    *,
    strict: bool = False,
) -> int:
    """Delete a guild's data: every plugin's, then core's; return the rows deleted.

    With ``strict`` a failing plugin raises :class:`GuildPurgeError` (after the others
    ran), so a maintenance transaction rolls back and is retried. Otherwise the rest is
    purged and a departure due now is recorded, so the maintenance job retries the guild.
    """
    failed: list[str] = []
    results = await plugins.acall("guildhall_guild_purge", failed=failed, guild_id=guild_id)
    if failed and strict:
        raise GuildPurgeError(f"guild {guild_id}: purge failed in plugin(s) {', '.join(failed)}")
    deleted = sum(count for _, count in results if isinstance(count, int))
    deleted += await guild_configs.purge(guild_id)
    if failed:
        now = datetime.now(UTC)
        await GuildDeparture.update_or_create(
            guild_id=guild_id, defaults={"left_at": now, "purge_after": now}
        )
        log.warning("guild %s: purge failed in %s; the maintenance job retries it",
                    guild_id, ", ".join(failed))
    else:
        await GuildDeparture.filter(guild_id=guild_id).delete()
    log.info("purged guild %s (%d rows)", guild_id, deleted)
    return deleted


class GuildDepartures:
    """The bot's side of the grace period: record departures, forget returning guilds.

    ``on_guild_available`` runs for every guild at start-up, so the guilds waiting out a
    grace period are read once into memory instead of one query per guild. A guild is
    served by the same shard (so the same process) when it leaves and when it returns.
    """

    #: back-off between attempts to cancel a purge while the database refuses it
    retry_first_seconds = 5.0
    retry_max_seconds = 300.0

    def __init__(self, grace_hours: float) -> None:
        self.grace = timedelta(hours=grace_hours)
        self._waiting: set[int] | None = None
        self._loading = asyncio.Lock()  # thousands of guilds become available at once
        self._retries: set[asyncio.Task[None]] = set()

    async def left(self, guild_id: int, now: datetime | None = None) -> datetime:
        """Record that the bot left ``guild_id``; return when its data will be purged."""
        now = now or datetime.now(UTC)
        purge_after = now + self.grace
        await GuildDeparture.update_or_create(
            guild_id=guild_id, defaults={"left_at": now, "purge_after": purge_after}
        )
        if self._waiting is not None:
            self._waiting.add(guild_id)
        log.info("left guild %s; its data is purged after %s", guild_id, purge_after)
        return purge_after

    async def returned(self, guild_id: int, *, joined: bool) -> bool:
        """The bot is in ``guild_id`` (again): cancel a pending purge; ``True`` if one was.

        ``joined`` (a new GUILD_CREATE) always asks the database; a guild becoming
        available at start-up is checked against the in-memory set.
        """
        if self._waiting is None:
            async with self._loading:  # one query, not one per guild becoming available
                if self._waiting is None:
                    rows = cast(list[int], await GuildDeparture.all().values_list(
                        "guild_id", flat=True))  # flat=True: bare values, not tuples
                    self._waiting = {int(row) for row in rows}
        if not joined and guild_id not in self._waiting:
            return False
        self._waiting.discard(guild_id)
        cancelled = await GuildDeparture.filter(guild_id=guild_id).delete() > 0
        if cancelled:
            log.info("re-added to guild %s within the grace period; its data is kept", guild_id)
        return cancelled

    async def returned_or_retry(self, guild_id: int, *, joined: bool) -> None:
        """:meth:`returned`; while the database refuses it, keep retrying in the background.

        A rejoined guild whose pending purge could not be cancelled (database read-only or
        unreachable for a moment) would otherwise lose its data when the grace ends.
        """
        try:
            await self.returned(guild_id, joined=joined)
        except Exception as error:
            if not is_database_error(error):
                raise
            log.warning("guild %s is back but its pending purge could not be cancelled "
                        "(%s); retrying", guild_id, database_message(error) or error)
            task = asyncio.create_task(self._retry_returned(guild_id),
                                       name=f"cancel-purge-{guild_id}")
            self._retries.add(task)
            task.add_done_callback(self._retries.discard)

    async def _retry_returned(self, guild_id: int) -> None:
        delay = self.retry_first_seconds
        while True:
            await asyncio.sleep(delay)
            try:
                await self.returned(guild_id, joined=True)
            except Exception as error:
                if not is_database_error(error):
                    log.exception("cancelling the pending purge of guild %s failed", guild_id)
                    return
                delay = min(delay * 2, self.retry_max_seconds)
            else:
                log.info("guild %s: pending purge cancelled after a retry", guild_id)
                return

    def stop(self) -> None:
        """Cancel the background retries (the bot is closing)."""
        for task in list(self._retries):
            task.cancel()


async def purge_departed_guilds(
    ctx: JobContext, settings: Settings, plugins: PluginManager
) -> JobResult:
    """The maintenance job: purge every guild whose grace period ended by ``ctx.now``.

    One guild per (fenced) transaction: its departure row is claimed (deleted) and its
    data purged together, so a failure rolls both back and the next run retries; a bot
    re-added meanwhile has deleted the row, and the guild is skipped.
    """
    due = GuildDeparture.filter(purge_after__lte=ctx.now)
    if ctx.dry_run:
        count = await due.count()
        return JobResult(count, f"{count} departed guild(s) would be purged")
    configs = GuildConfigService(settings.bot.default_prefix, 0)
    guilds, failures, last = 0, [], -1
    while True:
        batch = cast(list[int], await due.filter(guild_id__gt=last).order_by("guild_id").limit(
            GUILDS_PER_QUERY
        ).values_list("guild_id", flat=True))  # flat=True: bare values, not tuples
        for guild_id in batch:
            ctx.check_running()
            last = guild_id
            try:
                async with ctx.transaction():
                    claimed = await GuildDeparture.filter(
                        guild_id=guild_id, purge_after__lte=ctx.now
                    ).delete()
                    if not claimed:
                        continue
                    ctx.rows += await purge_guild(plugins, configs, guild_id, strict=True)
            except GuildPurgeError as exc:
                failures.append(str(exc))
                continue
            guilds += 1
        if len(batch) < GUILDS_PER_QUERY:
            break
    if failures:
        raise GuildPurgeError(f"{len(failures)} guild(s) not purged: {'; '.join(failures)}")
    return JobResult(ctx.rows, f"{guilds} departed guild(s) purged")
