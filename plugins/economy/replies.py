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
    LocalizedValue,
    Speaker,
)
from plugins.economy.rewards import OnCooldown
from plugins.economy.settings import EconomySettings
from plugins.economy.shop import ShopError
from plugins.economy.texts import TEXTS

Reply = str | disnake.Embed
REASON_MAX = 100


def safe_text(text: str, limit: int = REASON_MAX) -> str:
    """User text made inert for storage and display: no mentions, no markdown, bounded."""
    flat = " ".join(text.split())[:limit]
    return disnake.utils.escape_markdown(disnake.utils.escape_mentions(flat))


def money(t: Speaker, settings: EconomySettings, amount: int) -> str:
    """``1,250 🪙`` (``1.250 🪙`` in German): an amount in the reader's locale."""
    return f"{t.number(amount)} {settings.currency_symbol}"


def refusal(error: Exception, settings: EconomySettings, t: Speaker) -> str:
    """The sentence telling the user why nothing happened."""
    if isinstance(error, InsufficientFunds):
        return t(
            "refusal.insufficient", currency=settings.currency_name,
            balance=money(t, settings, error.balance), needed=money(t, settings, error.amount),
        )
    if isinstance(error, BalanceTooHigh):
        return t("refusal.too_high", maximum=money(t, settings, 2**31 - 1))
    if isinstance(error, OnCooldown):
        when = disnake.utils.format_dt(error.ready_at, "R")
        kind = t.get(f"refusal.command.{error.kind}", error.kind)  # the command as they see it
        return t("refusal.cooldown", kind=kind, when=when)
    if isinstance(error, InvalidAmount | ShopError):
        text = error.localized_text(t.format_locale) if isinstance(
            error, LocalizedValue) else str(error)
        return t("refusal.invalid", reason=f"{text[:1].upper()}{text[1:]}")
    return t("refusal.other", error=str(error))


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
            refusal(exc, settings, TEXTS.to(inter)), ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return
    if isinstance(reply, disnake.Embed):
        await inter.response.send_message(
            embed=reply, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
        )
    else:
        await inter.response.send_message(reply, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)
