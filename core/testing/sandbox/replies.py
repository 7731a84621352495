"""What the bot showed in the sandbox: new messages and interaction answers, in order."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from core.testing.double import DiscordDouble, InteractionHandle
from core.testing.double.state import Message
from core.testing.sandbox.markup import Names, humanize

POLL_SECONDS = 0.02
EDIT_KINDS = ("edit_original", "edit_followup", "update")


@dataclass
class Reply:
    """One thing the bot showed: a message, or an edit of an interaction answer.

    ``text`` is what a person reads (mentions and timestamps rendered); ``raw`` is the
    markup the bot sent (``<@123>``, ``<t:1700000000:f>``), empty when the same.
    """

    channel: str
    text: str
    ephemeral: bool = False
    edited: bool = False
    raw: str = ""

    def contains(self, expected: str) -> bool:
        """Whether the reply shows ``expected``, as read or as the raw markup."""
        return expected in self.text or expected in self.raw

    def describe(self) -> str:
        """One line for the transcript (``(only you)`` marks ephemeral answers)."""
        notes = [n for n, on in (("edited", self.edited), ("only you", self.ephemeral)) if on]
        suffix = f"  ({', '.join(notes)})" if notes else ""
        return f"{self.text}{suffix}"


def render(content: str, embeds: list[dict[str, Any]], components: list[dict[str, Any]]) -> str:
    """Message content plus embed text and button/select labels, as plain text."""
    parts = [content] if content else []
    for embed in embeds:
        for key in ("title", "description"):
            if embed.get(key):
                parts.append(str(embed[key]))
        for field in embed.get("fields") or []:
            parts.append(f"{field.get('name')}: {field.get('value')}")
        if (embed.get("footer") or {}).get("text"):
            parts.append(str(embed["footer"]["text"]))
    labels = [
        c.get("label") or c.get("placeholder") or c.get("custom_id")
        for row in components
        for c in row.get("components", [])
    ]
    if labels:
        parts.append("[" + " | ".join(str(label) for label in labels) + "]")
    return " | ".join(parts) if parts else "(empty message)"


class ReplyFeed:
    """Polls the double for bot output not yet seen, oldest first."""

    def __init__(self, double: DiscordDouble) -> None:
        self.double = double
        self._messages_seen = len(double.bot_messages)
        self._handles: list[tuple[InteractionHandle, int]] = []

    def track(self, handle: InteractionHandle) -> None:
        """Also report edits of this interaction's answers (deferred replies end up there)."""
        self._handles.append((handle, len(handle.replies)))

    def _channel_name(self, channel_id: int) -> str:
        channel = self.double.world.channels.get(channel_id)
        return f"#{channel.name}" if channel is not None and channel.name else "DM"

    def _from_message(self, msg: Message, edited: bool = False) -> Reply:
        raw = render(msg.content, msg.embeds, msg.components)
        guild = self.double.world.guilds.get(msg.guild_id) if msg.guild_id else None
        text = humanize(raw, Names.of(self.double.world, guild), time.time)
        return Reply(self._channel_name(msg.channel_id), text, msg.ephemeral, edited,
                     raw if raw != text else "")

    def poll(self) -> list[Reply]:
        """Everything new since the last poll."""
        out: list[Reply] = []
        messages = self.double.bot_messages.items
        for msg in messages[self._messages_seen :]:
            out.append(self._from_message(msg))
        self._messages_seen = len(messages)
        for index, (handle, seen) in enumerate(self._handles):
            replies = handle.replies
            for reply in replies[seen:]:
                if reply.kind in EDIT_KINDS and reply.message is not None:
                    out.append(self._from_message(reply.message, edited=True))
            self._handles[index] = (handle, len(replies))
        return out

    async def collect(self, seconds: float) -> list[Reply]:
        """Everything the bot shows during the next ``seconds``."""
        deadline = time.monotonic() + seconds
        out = self.poll()
        while time.monotonic() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            out += self.poll()
        return out

    async def next(self, timeout: float) -> list[Reply]:  # noqa: ASYNC109
        """Wait up to ``timeout`` seconds for new output; return it (empty on timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.poll()
            if got or time.monotonic() >= deadline:
                return got
            await asyncio.sleep(POLL_SECONDS)
