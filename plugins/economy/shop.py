"""Per-guild shop items and purchases (paid through the bank, refunded the same way)."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from core.plugins.api import TextError, validate_amount
from plugins.economy import service as bank
from plugins.economy.models import ShopItem
from plugins.economy.texts import TEXTS

NAME_MAX = 50
DESCRIPTION_MAX = 200


class ShopError(TextError, ValueError):
    """A shop request that cannot be done: one of the plugin's texts (``shop.*``,
    ``buy.*``), English in ``str()``, worded for the reader by the command layer."""

    owner = TEXTS


def clean_name(name: str) -> str:
    """An item name trimmed, single-spaced, 1-50 characters; else :class:`ShopError`."""
    cleaned = " ".join(name.split())
    if not 1 <= len(cleaned) <= NAME_MAX:
        raise ShopError("shop.name_length", maximum=NAME_MAX)
    return cleaned


async def list_items(guild_id: int) -> list[ShopItem]:
    """The guild's items, cheapest first."""
    return await ShopItem.filter(guild_id=guild_id).order_by("price", "name")


async def find_item(guild_id: int, name: str) -> ShopItem:
    """The guild's item called ``name`` (case-insensitive); else :class:`ShopError`."""
    item = await ShopItem.filter(guild_id=guild_id, name__iexact=clean_name(name)).first()
    if item is None:
        raise ShopError("shop.no_item")
    return item


async def add_item(
    guild_id: int,
    name: str,
    price: int,
    *,
    created_by: int,
    role_id: int | None = None,
    description: str | None = None,
    max_items: int = 25,
) -> ShopItem:
    """Add an item to the guild's shop; :class:`ShopError` for a duplicate or a full shop."""
    cleaned = clean_name(name)
    try:
        validate_amount(price)
    except ValueError as exc:
        raise ShopError("shop.bad_price", error=exc) from exc
    if description is not None:
        description = description.strip()[:DESCRIPTION_MAX] or None
    if await ShopItem.filter(guild_id=guild_id, name__iexact=cleaned).exists():
        raise ShopError("shop.duplicate")
    if await ShopItem.filter(guild_id=guild_id).count() >= max_items:
        raise ShopError("shop.full", count=max_items)
    try:
        return await ShopItem.create(
            guild_id=guild_id, name=cleaned, price=price, role_id=role_id,
            description=description, created_by=created_by,
        )
    except IntegrityError as exc:
        raise ShopError("shop.duplicate") from exc


async def remove_item(guild_id: int, name: str) -> ShopItem:
    """Remove the guild's item called ``name``; return it."""
    item = await find_item(guild_id, name)
    await item.delete()
    return item


async def pay_for(item: ShopItem, user_id: int, username: str = "") -> int:
    """Charge ``item.price`` as a ``purchase``; return the new balance."""
    return await bank.withdraw(
        user_id, item.guild_id, item.price, bank.TransactionType.PURCHASE,
        f"bought {item.name}", username=username,
    )


async def refund(item: ShopItem, user_id: int, why: str) -> int:
    """Give ``item.price`` back as a ``refund``; return the new balance."""
    return await bank.deposit(
        user_id, item.guild_id, item.price, bank.TransactionType.REFUND,
        f"refund for {item.name}: {why}",
    )
