"""One place that turns command errors into a short answer for the user and a log line.

Expected errors (bad input, missing permissions, cooldowns) get a specific message.
Anything else is logged with its traceback and a short reference the user can quote.
"""

from __future__ import annotations

import logging
import secrets

import disnake
from disnake.ext import commands
from disnake.interactions import Interaction

from core.bot.mentions import NO_MENTIONS
from core.db.errors import database_message

log = logging.getLogger(__name__)
GENERIC_FAILURE = "Something went wrong while running that command (reference `{ref}`)."
MAX_MESSAGE = 2000  # Discord's limit for a message's content
# Discord's UI names where they differ from the API flag names.
PERMISSION_NAMES = {"manage_guild": "Manage Server", "moderate_members": "Timeout Members"}


def permission_names(flags: list[str]) -> str:
    """``["manage_guild", "ban_members"]`` -> ``"Manage Server, Ban Members"``."""
    return ", ".join(
        PERMISSION_NAMES.get(flag, flag.replace("_", " ").title()) for flag in flags
    )


def user_message(error: BaseException) -> str | None:
    """The message for an expected error, or ``None`` when it is a bug to log."""
    error = getattr(error, "original", error) if isinstance(
        error, commands.CommandInvokeError
    ) else error
    if isinstance(error, commands.MissingPermissions):
        return f"You need these permissions: {permission_names(error.missing_permissions)}."
    if isinstance(error, commands.BotMissingPermissions):
        return f"I need these permissions here: {permission_names(error.missing_permissions)}."
    if isinstance(error, commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} s."
    if getattr(error, "user_facing", False):
        return str(error)  # explains itself (a plugin switched off here, a refused role)
    if isinstance(error, commands.CheckFailure):
        return "You are not allowed to use this command here."
    if isinstance(error, commands.UserInputError):
        return f"That input was not valid: {error}"
    if isinstance(error, disnake.Forbidden):
        return "Discord refused: I lack a permission for that here."
    return database_message(error)  # unreachable, full, read-only; text it cannot store


async def report(
    target: disnake.abc.Messageable | Interaction, error: BaseException, where: str
) -> str | None:
    """Answer the user about ``error``; log unexpected ones. Returns the reference if any."""
    message = user_message(error)
    reference = None
    if database_message(getattr(error, "original", error)) is not None:
        log.warning("command %s: database problem: %r", where, getattr(error, "original", error))
    if message is None:
        reference = secrets.token_hex(4)
        original = getattr(error, "original", error)
        log.error(
            "command %s failed (reference %s)", where, reference,
            exc_info=(type(original), original, original.__traceback__),
        )
        message = GENERIC_FAILURE.format(ref=reference)
    if len(message) > MAX_MESSAGE:  # user input echoed in an error must not make it undeliverable
        message = message[: MAX_MESSAGE - 1] + "…"
    try:
        if isinstance(target, Interaction):
            if target.response.is_done():
                await target.followup.send(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
            else:
                await target.response.send_message(
                    message, ephemeral=True, allowed_mentions=NO_MENTIONS
                )
        else:
            await target.send(message, allowed_mentions=NO_MENTIONS)
    except disnake.HTTPException:
        log.warning("could not deliver the error message for %s", where)
    return reference
