"""Delivering due reminders: the ``reminders.due`` timer source the leader's scheduler runs.

The handler posts in the original channel, pinging only the reminder's user; when that
channel is gone or closed to the bot (404/403) it sends a DM instead. A user who also
refuses DMs makes the reminder moot (logged, finished). Other errors (5xx, network) raise,
so the scheduler retries with backoff. Finishing marks the row completed, or moves a
repeating reminder to its next occurrence, inside the scheduler's fenced transaction:
a reminder is sent again only when the leader dies between the send and that write.
"""

from __future__ import annotations

import logging
from typing import Any

import disnake
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from core.bot.mentions import only_user
from core.plugins.contracts import TimerSource
from plugins.reminders import service
from plugins.reminders.models import Reminder
from plugins.reminders.settings import RemindersSettings

log = logging.getLogger(__name__)
SOURCE_NAME = "reminders.due"


class ReminderDelivery:
    """Handler and finisher of due reminder rows, bound to one bot's REST client."""

    def __init__(self, bot: Any, settings: RemindersSettings) -> None:
        self.bot = bot
        self.settings = settings

    async def handle(self, row: Model) -> bool:
        """Send the reminder; ``True`` once sent (or moot), an exception to retry."""
        assert isinstance(row, Reminder)
        text = service.delivery_text(row, service.utcnow(), self.settings.late_notice_seconds)
        allowed = only_user(disnake.Object(row.user_id))
        try:
            await self.bot.get_partial_messageable(row.channel_id).send(
                text, allowed_mentions=allowed
            )
            return True
        except (disnake.NotFound, disnake.Forbidden) as exc:
            log.info("reminder %s: channel %s unusable (%s); sending a DM",
                     row.id, row.channel_id, exc.status)
        try:
            dm = await self.bot.create_dm(disnake.Object(row.user_id))
            await dm.send(text, allowed_mentions=allowed)
        except (disnake.NotFound, disnake.Forbidden) as exc:
            log.warning("reminder %s: user %s unreachable by DM too (%s); dropped",
                        row.id, row.user_id, exc.status)
        return True

    async def finish(self, row: Model, conn: BaseDBAsyncClient) -> None:
        """Completed, or (repeating) moved to the next occurrence after now."""
        assert isinstance(row, Reminder)
        rows = Reminder.filter(id=row.pk).using_db(conn)
        if row.repeat_seconds:
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
