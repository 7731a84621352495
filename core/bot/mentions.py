"""Mention policy: the bot pings nobody unless a command deliberately pings its invoker."""

from __future__ import annotations

import disnake

NO_MENTIONS = disnake.AllowedMentions.none()


def only_user(user: disnake.abc.Snowflake) -> disnake.AllowedMentions:
    """Allow exactly one user mention (the invoker); never @everyone, @here or roles."""
    return disnake.AllowedMentions(everyone=False, roles=False, users=[user], replied_user=False)
