"""How the economy's commands answer: refusals, amounts, safe user text."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import disnake

from core.plugins.api import (
    NO_MENTIONS,
    BalanceTooHigh,
    CoinsError,
    InsufficientFunds,
    InvalidAmount,
)
from plugins.economy.rewards import OnCooldown
from plugins.economy.settings import EconomySettings
from plugins.economy.shop import ShopError

Reply = str | disnake.Embed
REASON_MAX = 100


def safe_text(text: str, limit: int = REASON_MAX) -> str:
    """User text made inert for storage and display: no mentions, no markdown, bounded."""
    flat = " ".join(text.split())[:limit]
    return disnake.utils.escape_markdown(disnake.utils.escape_mentions(flat))


def refusal(error: Exception, settings: EconomySettings) -> str:
    """The sentence telling the user why nothing happened."""
    if isinstance(error, InsufficientFunds):
        return (
            f"Not enough {settings.currency_name}: the balance is "
            f"{settings.money(error.balance)} and this needs {settings.money(error.amount)}. "
            "Nothing was changed."
        )
    if isinstance(error, BalanceTooHigh):
        return (
            f"That would take the balance past the maximum of {settings.money(2**31 - 1)}. "
            "Nothing was changed."
        )
    if isinstance(error, OnCooldown):
        when = disnake.utils.format_dt(error.ready_at, "R")
        return f"You already used {error.kind} recently; it is available again {when}."
    if isinstance(error, InvalidAmount | ShopError):
        text = str(error)
        return f"{text[:1].upper()}{text[1:]}. Nothing was changed."
    return f"That did not work: {error}. Nothing was changed."


async def answer(
    inter: disnake.ApplicationCommandInteraction,
    settings: EconomySettings,
    work: Callable[[], Awaitable[Reply]],
    *,
    ephemeral: bool = False,
) -> None:
    """Run ``work`` and send its reply; an expected refusal is sent ephemerally instead.

    Other errors propagate to the bot's error handler (permissions, bugs).
    """
    try:
        reply = await work()
    except (CoinsError, ShopError) as exc:
        await inter.response.send_message(
            refusal(exc, settings), ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return
    if isinstance(reply, disnake.Embed):
        await inter.response.send_message(
            embed=reply, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
        )
    else:
        await inter.response.send_message(reply, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)
