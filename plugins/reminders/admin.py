"""What moderators may do with a member's reminders, and how those are shown to them.

``/reminders admin list|cancel`` require Manage Messages in the guild (Administrator
implies it) and reach only the reminders the member set in that guild. Answers are
ephemeral, sent with no allowed mentions, and reminder texts are shown as escaped
one-line previews.
"""

from __future__ import annotations

import disnake
from disnake.ext import commands

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


def member_list_text(user: disnake.abc.User, rows: list[Reminder]) -> str:
    """The ``/reminders admin list`` answer for ``user``, cut to fit one message."""
    if not rows:
        return f"<@{user.id}> has no active reminders set in this server."
    lines = [f"**Reminders of <@{user.id}> set in this server** ({len(rows)})"]
    for shown, row in enumerate(rows):
        stamp = int(row.remind_at.timestamp())
        repeat = f" (every {format_duration(row.repeat_seconds)})" if row.repeat_seconds else ""
        line = f"`#{row.id}` <t:{stamp}:f> in <#{row.channel_id}>{repeat}: {preview(row.message)}"
        if sum(len(x) + 1 for x in lines) + len(line) > LIST_BUDGET:
            lines.append(f"…and {len(rows) - shown} more.")
            break
        lines.append(line)
    lines.append("Cancel with /reminders admin cancel (one id, or all without an id).")
    return "\n".join(lines)


def cancelled_text(user: disnake.abc.User, rows: list[Reminder]) -> str:
    """The ``/reminders admin cancel`` confirmation."""
    ids = ", ".join(f"`#{row.id}`" for row in rows[:20])
    more = f" and {len(rows) - 20} more" if len(rows) > 20 else ""
    noun = "reminder" if len(rows) == 1 else "reminders"
    return f"Cancelled {len(rows)} {noun} of <@{user.id}>: {ids}{more}."
