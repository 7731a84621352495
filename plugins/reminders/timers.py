"""Delivering due reminders: the ``reminders.due`` timer source the leader's scheduler runs.

A reminder whose context is gone (:mod:`plugins.reminders.context`: author left or
banned, plugin switched off for the guild, bot no longer in the guild) is not sent: it is
finished as completed with ``dropped_reason`` set, repeating or not, with one log line.

Otherwise the handler posts in the original channel, pinging only the reminder's user;
when that channel is gone or closed to the bot (404/403) it sends a DM instead. A user who
also refuses DMs makes the reminder moot (logged, finished). Other errors (5xx, network)
raise, so the scheduler retries with backoff. Finishing marks the row completed, or moves
a repeating reminder to its next occurrence, inside the scheduler's fenced transaction.

A leader that dies between the send and that write leaves the reminder due, and the next
leader sends it again. Each send therefore carries Discord's ``nonce`` with
``enforce_nonce: true``, derived from the reminder and its occurrence (:func:`delivery_nonce`):
Discord answers a repeat within a few minutes with the message already posted instead of
posting a second one (disnake's ``send`` cannot set ``enforce_nonce``, hence the raw route).
"""

from __future__ import annotations

import logging

import disnake
from disnake.http import Route
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from core.plugins.api import BotLike, TimerSource, only_user
from plugins.reminders import service
from plugins.reminders.context import ReminderContext
from plugins.reminders.models import Reminder
from plugins.reminders.settings import RemindersSettings
from plugins.reminders.texts import TEXTS

log = logging.getLogger(__name__)
SOURCE_NAME = "reminders.due"
MAX_NONCE = 25  # Discord's limit on a message nonce, in characters


def delivery_nonce(row: Reminder) -> str:
    """The same nonce for every send of one occurrence of a reminder: ``r<id>t<due epoch>``,
    at most 22 characters (a 32-bit id, a 10-digit epoch), within Discord's ``MAX_NONCE``."""
    return f"r{row.id}t{int(row.remind_at.timestamp())}"


class ReminderDelivery:
    """Handler and finisher of due reminder rows, bound to one bot's REST client."""

    def __init__(self, bot: BotLike, settings: RemindersSettings) -> None:
        self.bot = bot
        self.settings = settings
        self.context = ReminderContext(bot)

    async def handle(self, row: Model) -> bool:
        """Send the reminder; ``True`` once sent (or moot), an exception to retry."""
        assert isinstance(row, Reminder)
        reason = await self.context.drop_reason(row.guild_id, row.user_id)
        if reason is not None:
            log.info("reminder %s dropped, not delivered: %s (guild %s, user %s)",
                     row.id, reason.value, row.guild_id, row.user_id)
            row.dropped_reason = reason.value  # written by finish()
            return True
        guild = self.bot.get_guild(row.guild_id) if row.guild_id else None
        text = service.delivery_text(row, service.utcnow(), self.settings.late_notice_seconds,
                                     TEXTS.to(guild) if guild is not None else None)
        try:
            await self._post(row.channel_id, text, row)
            return True
        except (disnake.NotFound, disnake.Forbidden) as exc:
            log.info("reminder %s: channel %s unusable (%s); sending a DM",
                     row.id, row.channel_id, exc.status)
        try:
            dm = await self.bot.create_dm(disnake.Object(row.user_id))
            await self._post(dm.id, text, row)
        except (disnake.NotFound, disnake.Forbidden) as exc:
            log.warning("reminder %s: user %s unreachable by DM too (%s); dropped",
                        row.id, row.user_id, exc.status)
        return True

    async def _post(self, channel_id: int, text: str, row: Reminder) -> None:
        """Create the message once per occurrence (a repeat returns the first one)."""
        payload = {
            "content": text,
            "allowed_mentions": only_user(disnake.Object(row.user_id)).to_dict(),
            "nonce": delivery_nonce(row),
            "enforce_nonce": True,
        }
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id)
        await self.bot.http.request(route, json=payload)

    async def finish(self, row: Model, conn: BaseDBAsyncClient) -> None:
        """Completed (with its drop reason when dropped), or a delivered repeat moved to
        its next occurrence after now."""
        assert isinstance(row, Reminder)
        rows = Reminder.filter(id=row.pk).using_db(conn)
        if row.dropped_reason:
            await rows.update(completed=True, dropped_reason=row.dropped_reason)
        elif row.repeat_seconds:
            upcoming = service.next_occurrence(
                row.remind_at, row.repeat_seconds, service.utcnow()
            )
            await rows.update(remind_at=upcoming, attempts=0, next_attempt_at=None,
                              last_error=None)
        else:
            await rows.update(completed=True)

    def source(self) -> TimerSource:
        """The scheduler's view of the ``reminders`` table."""
        return TimerSource(
            name=SOURCE_NAME,
            model=Reminder,
            due_column="remind_at",
            pending_filter={"completed": False},
            handler=self.handle,
            finish=self.finish,
        )
