"""What moderators may do with a member's reminders, and how those are shown to them.

``/reminders admin list|cancel`` require Manage Messages in the guild (Administrator
implies it) and reach only the reminders the member set in that guild. Answers are
ephemeral, sent with no allowed mentions, and reminder texts are shown as escaped
one-line previews.
"""

from __future__ import annotations

import disnake
from disnake.ext import commands

from core.plugins.api import Speaker
from plugins.reminders.models import Reminder
from plugins.reminders.parsing import format_duration

PERMISSION = "manage_messages"
LIST_PREVIEW = 40
LIST_BUDGET = 1800
NO_MENTIONS = disnake.AllowedMentions.none()


def require_moderator(author: disnake.abc.User) -> None:
    """Raise ``MissingPermissions`` unless ``author`` may manage messages in this guild."""
    if not isinstance(author, disnake.Member) or not getattr(
        author.guild_permissions, PERMISSION
    ):
        raise commands.MissingPermissions([PERMISSION])


def preview(text: str) -> str:
    """One line of at most ``LIST_PREVIEW`` characters, markdown and mentions escaped."""
    flat = " ".join(text.split())
    if len(flat) > LIST_PREVIEW:
        flat = flat[: LIST_PREVIEW - 1] + "…"
    return disnake.utils.escape_mentions(disnake.utils.escape_markdown(flat))


def member_list_text(user: disnake.abc.User, rows: list[Reminder], t: Speaker) -> str:
    """The ``/reminders admin list`` answer for ``user``, cut to fit one message."""
    if not rows:
        return t("admin.none", member=f"<@{user.id}>")
    lines = [t("admin.title", member=f"<@{user.id}>", count=len(rows))]
    for shown, row in enumerate(rows):
        stamp = int(row.remind_at.timestamp())
        repeat = (t("list.every", every=format_duration(row.repeat_seconds))
                  if row.repeat_seconds else "")
        where = t("admin.in_channel", channel=f"<#{row.channel_id}>")
        line = f"`#{row.id}` <t:{stamp}:f> {where}{repeat}: {preview(row.message)}"
        if sum(len(x) + 1 for x in lines) + len(line) > LIST_BUDGET:
            lines.append(t("list.more", count=len(rows) - shown))
            break
        lines.append(line)
    lines.append(t("admin.how_to_cancel"))
    return "\n".join(lines)


def cancelled_text(user: disnake.abc.User, rows: list[Reminder], t: Speaker) -> str:
    """The ``/reminders admin cancel`` confirmation."""
    ids = ", ".join(f"`#{row.id}`" for row in rows[:20])
    more = t("admin.and_more", count=len(rows) - 20) if len(rows) > 20 else ""
    key = "admin.cancelled_one" if len(rows) == 1 else "admin.cancelled_many"
    return t(key, count=len(rows), member=f"<@{user.id}>", ids=ids, more=more)
