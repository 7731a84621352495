"""``privacy.forget``: every worker drops a deleting user's buffered data, unwritten.

A ``/privacy delete`` runs on one worker, but the user's XP, ``last_seen`` and command
uses may wait in the buffers of every worker. Before the rows are deleted the deleting
worker publishes ``privacy.forget`` ``{"user_id": "<id>"}`` on the bus; each worker
(the publisher's own handlers run inside ``publish``) drops that user's entries from
core's activity buffer and from every plugin's buffers (``guildhall_forget_buffered``).
Bus messages are hints: a worker that misses one is still held back by
``core.services.user_fence``, which every flush obeys.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from core.coordination import bus

if TYPE_CHECKING:
    from core.bot.guildhall_bot import GuildhallBot

log = logging.getLogger(__name__)
FORGET_TOPIC = "privacy.forget"


def forget_buffered(bot: GuildhallBot, user_id: int) -> int:
    """Drop ``user_id``'s unwritten data from ``bot``'s buffers; return the items dropped."""
    dropped = int(bot.user_activity.forget(user_id))
    for _plugin, count in bot.plugins.call("guildhall_forget_buffered", bot=bot,
                                           user_id=user_id):
        dropped += int(count or 0)
    return dropped


def listen(channel: bus.Bus, bot: GuildhallBot) -> None:
    """Make ``bot`` obey ``privacy.forget`` messages arriving on ``channel``."""

    def on_forget(payload: dict[str, Any]) -> None:
        raw = payload.get("user_id")
        if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 20:
            log.warning("ignoring a malformed %s message", FORGET_TOPIC)
            return
        dropped = forget_buffered(bot, int(raw))
        log.info("dropped %d buffered item(s) of a user who deleted their data", dropped)

    channel.subscribe(FORGET_TOPIC, on_forget)


async def broadcast_forget(user_id: int) -> None:
    """Ask every worker (this one first, before this returns) to drop ``user_id``'s
    buffered data; never raises (a lost message is covered by the fence)."""
    await bus.publish(FORGET_TOPIC, {"user_id": str(int(user_id))})
