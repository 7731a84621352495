"""Shared steps of the economy e2e tests: run a slash command, read the ledger."""

from __future__ import annotations

from typing import Any

from core.testing.double import DiscordDouble
from core.testing.double.interactions import InteractionReply
from core.testing.double.state import Member
from core.testing.sandbox.world import DemoWorld
from plugins.economy.models import Transaction

TIMEOUT = 15.0  # generous: several engineers share two cores


async def slash(
    double: DiscordDouble, demo: DemoWorld, member: Member, name: str,
    options: dict[str, Any] | None = None,
) -> InteractionReply:
    """Invoke ``/name`` in the demo guild's #general as ``member``; return the answer."""
    handle = await double.invoke_slash(
        demo.guild, demo.general, member, name, options or {}, register_timeout=TIMEOUT
    )
    return await handle.wait_response(timeout=TIMEOUT)


async def ledger(demo: DemoWorld) -> list[tuple[int, int, str]]:
    """``(user_id, amount, type)`` of the demo guild's transactions, oldest first."""
    return list(
        await Transaction.filter(guild_id=demo.guild.id)
        .order_by("id")
        .values_list("user_id", "amount", "transaction_type")
    )
