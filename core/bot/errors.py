"""One place that turns command errors into a short answer for the user and a log line.

Expected errors (bad input, missing permissions, cooldowns) get a specific message.
Anything else is logged with its traceback and a short reference the user can quote.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

import disnake
from disnake.ext import commands
from disnake.interactions import Interaction

from core.bot.mentions import NO_MENTIONS
from core.bot.texts import TEXTS
from core.db.errors import database_message
from core.i18n.formatting import LocalizedValue
from core.i18n.texts import Speaker
from core.plugins.gate import PluginDisabled

log = logging.getLogger(__name__)
GENERIC_FAILURE = TEXTS.files.template("en-US", "errors.generic")  # English, with ``{ref}``
MAX_MESSAGE = 2000  # Discord's limit for a message's content


def permission_names(flags: list[str], locale: str | None = None) -> str:
    """``["manage_guild", "ban_members"]`` -> ``"Manage Server, Ban Members"``: Discord's
    UI names for a reader of ``locale`` (``permissions.<flag>`` of core's texts; English
    without one; a flag without a text as its title-cased name)."""
    t = TEXTS.to(locale)
    return ", ".join(
        t.get(f"permissions.{flag}", flag.replace("_", " ").title()) for flag in flags
    )


@dataclass(frozen=True)
class PermissionNames:
    """Permission flags as a text value: named in the reader's locale when the text is
    rendered (``Refusal("refusal.you_need", permissions=PermissionNames(("ban_members",)))``)."""

    flags: tuple[str, ...]

    def localized_text(self, locale: str) -> str:
        """The names in ``locale`` (see :func:`core.i18n.formatting.format_value`)."""
        return permission_names(list(self.flags), locale)

    def __str__(self) -> str:
        return permission_names(list(self.flags))


def user_message(error: BaseException, t: Speaker | None = None) -> str | None:
    """The message for an expected error in ``t``'s locale (English without one), or
    ``None`` when it is a bug to log."""
    t = t or TEXTS.english()
    error = getattr(error, "original", error) if isinstance(
        error, commands.CommandInvokeError
    ) else error
    if isinstance(error, commands.MissingPermissions):
        return t("errors.you_need", permissions=PermissionNames(tuple(error.missing_permissions)))
    if isinstance(error, commands.BotMissingPermissions):
        return t("errors.i_need", permissions=PermissionNames(tuple(error.missing_permissions)))
    if isinstance(error, commands.NoPrivateMessage):
        return t("errors.server_only")
    if isinstance(error, commands.CommandOnCooldown):
        return t("errors.cooldown", seconds=f"{error.retry_after:.0f}")
    if isinstance(error, PluginDisabled):
        return t("errors.plugin_disabled", plugin=error.plugin)
    if getattr(error, "user_facing", False):  # explains itself (a refused role)
        return error.localized_text(t.format_locale) if isinstance(
            error, LocalizedValue) else str(error)
    if isinstance(error, commands.CheckFailure):
        return t("errors.not_allowed")
    if isinstance(error, commands.UserInputError):
        return t("errors.invalid_input", error=error)  # worded for the reader if it can be
    if isinstance(error, disnake.Forbidden):
        return t("errors.forbidden")
    return database_message(error)  # unreachable, full, read-only; text it cannot store


async def report(
    target: disnake.abc.Messageable | Interaction, error: BaseException, where: str
) -> str | None:
    """Answer the user about ``error``; log unexpected ones. Returns the reference if any."""
    t = TEXTS.to(target)
    message = user_message(error, t)
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
        message = t("errors.generic", ref=reference)
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
