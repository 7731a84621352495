"""Scheduler timer sources: warnings expire; temp bans and mutes are lifted through REST.

The lift handler runs on the leader, which may not hold the guild's shard: it only uses
``bot.http``. Outcomes: lifted or moot (404: ban gone, member left) -> the row is deleted
and, if lifted, an automatic ``unban``/``unmute`` case is appended; 429/5xx -> ``False``
(the scheduler retries with backoff); 403 (permission lost) -> a failed system action
(``unban_failed``/``unmute_failed``) is appended, reported to the log channel, and the row
is kept with ``failed_at`` set (visible in ``/modlog`` and the integrity check).
"""

from __future__ import annotations

import logging

import disnake
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from core.plugins.api import BotLike, TimerSource, non_urgent
from plugins.moderation import cases, service
from plugins.moderation.logpost import post_case
from plugins.moderation.models import TempPunishment, Warning

log = logging.getLogger(__name__)
LIFTED, MOOT, FORBIDDEN = "lifted", "moot", "forbidden"
AUTO_REASON = "automatic: the punishment expired"


def warning_expiry_source() -> TimerSource:
    """Warnings become inactive at ``expires_at``."""

    async def expire(row: Model) -> bool:
        return True

    return TimerSource(
        name="moderation.warnings.expire", model=Warning, due_column="expires_at",
        pending_filter={"active": True, "expires_at__isnull": False},
        handler=expire, done_update={"active": False},
    )


class PunishmentLifter:
    """Lifts due temp punishments for one bot; remembers each outcome for ``finish``."""

    def __init__(self, bot: BotLike) -> None:
        self.bot = bot
        self.outcomes: dict[int, str] = {}

    def source(self) -> TimerSource:
        """The ``temp_punishments`` timer source."""
        return TimerSource(
            name="moderation.temp_punishments.lift", model=TempPunishment,
            due_column="expires_at", pending_filter={}, handler=self.handle,
            finish=self.finish,
        )

    async def handle(self, row: Model) -> bool:
        """Lift one punishment; ``False`` on a transient Discord error. An expiry sweep is
        bulk REST work: it waits while the invalid-request breaker is open (the scheduler
        retries a handler that ran out of time)."""
        assert isinstance(row, TempPunishment)
        with non_urgent():
            return await self._handle(row)

    async def _handle(self, row: TempPunishment) -> bool:
        try:
            await self._lift(row)
        except (disnake.NotFound, _Moot):
            self.outcomes[row.id] = MOOT
            return True
        except disnake.Forbidden as exc:
            self.outcomes[row.id] = FORBIDDEN
            await self._report_failure(row, f"Discord refused (403): {exc.text or exc}")
            return True
        except disnake.HTTPException as exc:
            if exc.status == 429 or exc.status >= 500:
                log.warning("lifting %s of %s in %s: HTTP %s, will retry",
                            row.punishment_type, row.user_id, row.guild_id, exc.status)
                return False
            raise
        self.outcomes[row.id] = LIFTED
        kind = "unban" if row.punishment_type == service.BAN else "unmute"
        action = await cases.record_action(
            row.guild_id, self.bot.user.id, row.user_id, kind, AUTO_REASON
        )
        await post_case(self.bot, action)
        return True

    async def _lift(self, row: TempPunishment) -> None:
        http = self.bot.http
        if row.punishment_type == service.BAN:
            await http.unban(row.user_id, row.guild_id, reason=AUTO_REASON)
        elif row.punishment_type == service.MUTE:
            await http.edit_member(
                row.guild_id, row.user_id, reason=AUTO_REASON, communication_disabled_until=None
            )
        else:
            config = await self.bot.guild_configs.get(row.guild_id)
            if config.mute_role_id is None:
                raise _Moot("the mute role is no longer set")
            await http.remove_role(
                row.guild_id, row.user_id, config.mute_role_id, reason=AUTO_REASON
            )

    async def _report_failure(self, row: TempPunishment, error: str) -> None:
        kind = "unban_failed" if row.punishment_type == service.BAN else "unmute_failed"
        action = await cases.record_action(
            row.guild_id, self.bot.user.id, row.user_id, kind, error[:500]
        )
        await post_case(self.bot, action)

    async def finish(self, row: Model, conn: BaseDBAsyncClient) -> None:
        """Delete a lifted or moot row; keep a refused one, marked failed."""
        outcome = self.outcomes.pop(row.pk, None)
        query = TempPunishment.filter(id=row.pk).using_db(conn)
        if outcome == FORBIDDEN:
            await query.update(failed_at=service.utcnow(), last_error="403: permission lost")
        elif outcome in (LIFTED, MOOT):
            await query.delete()


class _Moot(Exception):
    """The punishment cannot be lifted because there is nothing left to lift."""


def timer_sources(bot: BotLike) -> list[TimerSource]:
    """Every moderation timer source (temp punishments need a bot for REST)."""
    sources = [warning_expiry_source()]
    if bot is not None:
        sources.append(PunishmentLifter(bot).source())
    return sources
