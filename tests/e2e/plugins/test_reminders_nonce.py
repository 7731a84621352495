"""A reminder sent again by a new leader posts once: the delivery's nonce is enforced.

A leader that dies after posting a reminder but before its fenced "completed" write leaves
the row due; the next leader sends it again. Here the first leader delivers, is stopped, and
the row is put back as that lost write would have left it; a new leader re-delivers with the
same nonce and the double (as Discord) answers with the message already posted.
"""

from __future__ import annotations

from core.testing.bot_fixtures import StartBot, eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.reminders.models import Reminder
from plugins.reminders.timers import MAX_NONCE, delivery_nonce
from tests.e2e.plugins.reminders_support import (
    TIMEOUT,
    guildhall_plugins,  # noqa: F401
    leading,
    reminder_in,
    slash,
)

MESSAGES = "/channels/{channel_id}/messages"


async def test_a_reminder_re_delivered_by_a_new_leader_is_posted_once(
    guildhall_demo: DemoWorld, guildhall_start_bot: StartBot, guildhall_double: DiscordDouble
) -> None:
    double, demo = guildhall_double, guildhall_demo
    first = await leading(await guildhall_start_bot())
    await slash(double, demo.guild, demo.general, demo.member, "remind",
                {"when": "2s", "text": "only once"})
    [row] = await Reminder.filter(user_id=demo.member.id)
    posted, _ = await reminder_in(double, demo.general)
    await eventually(lambda: Reminder.filter(id=row.id, completed=True).exists(),
                     timeout=TIMEOUT, message="the first leader did not finish the reminder")
    await first.close()
    await Reminder.filter(id=row.id).update(completed=False)  # the write a kill would lose

    await leading(await guildhall_start_bot())
    await eventually(lambda: Reminder.filter(id=row.id, completed=True).exists(),
                     timeout=TIMEOUT, message="the new leader did not re-deliver the reminder")
    sends = double.requests.filter("POST", MESSAGES, path=f"/channels/{demo.general.id}/messages")
    nonce = delivery_nonce(row)
    assert len(nonce) <= MAX_NONCE
    assert [(r.json["nonce"], r.json["enforce_nonce"], r.status) for r in sends] == [
        (nonce, True, 200), (nonce, True, 200),
    ]
    visible = [m for m in double.messages_in(demo.general) if "reminder: only once" in m.content]
    assert [m.id for m in visible] == [posted.id]
