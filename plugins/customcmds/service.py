"""Custom command storage: validation, create/edit/delete/list, and batched use counts.

Names are normalised to lower case and must match ``[a-z0-9_-]{1,32}``, so the unique
``(guild_id, command_name)`` index makes them unique per guild case-insensitively.
Use counts are buffered in :class:`UsesBuffer` and written by one statement per flush.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Collection

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.plugins.api import CONNECTION, TextError, bus
from plugins.customcmds.models import CustomCommand
from plugins.customcmds.texts import TEXTS

NAME = re.compile(r"[a-z0-9_-]{1,32}")
MAX_RESPONSE = 2000
NAMES_TOPIC = "customcmds.names"  # bus: a guild's command names changed
_ADD_USES = 'UPDATE "custom_commands" SET "uses" = "uses" + ? WHERE "id" = ?'
_ADD_USES_PG = 'UPDATE "custom_commands" SET "uses" = "uses" + $1 WHERE "id" = $2'


class CustomCommandError(TextError, ValueError):
    """Bad input or a broken limit; the message (a key of this plugin's texts) is meant
    for the user, in their language."""

    owner = TEXTS


def normalise_name(name: str, reserved: Collection[str] = ()) -> str:
    """The stored form of ``name``; raise :class:`CustomCommandError` when it is not valid."""
    clean = name.strip().lower()
    if not NAME.fullmatch(clean):
        raise CustomCommandError("name.invalid")
    if clean in reserved:
        raise CustomCommandError("name.builtin", name=clean)
    return clean


def check_response(response: str) -> str:
    """``response`` if it is 1-2,000 characters (after trimming), else an error."""
    text = response.strip()
    if not text:
        raise CustomCommandError("response.empty")
    if len(text) > MAX_RESPONSE:
        raise CustomCommandError("response.too_long", maximum=MAX_RESPONSE, length=len(text))
    return text


async def names(guild_id: int) -> frozenset[str]:
    """Every custom command name of the guild (what the message listener caches)."""
    rows = await CustomCommand.filter(guild_id=guild_id).values_list("command_name", flat=True)
    return frozenset(rows)


async def get(guild_id: int, name: str) -> CustomCommand | None:
    """The guild's command called ``name`` (any case), or ``None``."""
    return await CustomCommand.get_or_none(guild_id=guild_id, command_name=name.lower())


async def create(
    guild_id: int, name: str, response: str, creator_id: int, *,
    reserved: Collection[str] = (), limit: int = 500,
) -> CustomCommand:
    """Create a command after validation; the per-guild ``limit`` is checked atomically."""
    name = normalise_name(name, reserved)
    response = check_response(response)
    try:
        async with in_transaction(CONNECTION) as conn:
            count = await CustomCommand.filter(guild_id=guild_id).using_db(conn).count()
            if count >= limit:
                raise CustomCommandError("limit", limit=limit)
            made = await CustomCommand.create(
                guild_id=guild_id, command_name=name, response=response,
                creator_id=creator_id, using_db=conn,
            )
    except IntegrityError:
        raise CustomCommandError("exists", name=name) from None
    await bus.publish(NAMES_TOPIC, {"guild_id": guild_id})
    return made


async def edit(guild_id: int, name: str, response: str) -> CustomCommand:
    """Replace the response of an existing command."""
    response = check_response(response)
    command = await _existing(guild_id, name)
    command.response = response
    await command.save(update_fields=["response"])
    return command


async def delete(guild_id: int, name: str) -> CustomCommand:
    """Delete a command; return it as it was."""
    command = await _existing(guild_id, name)
    await command.delete()
    await bus.publish(NAMES_TOPIC, {"guild_id": guild_id})
    return command


async def page(guild_id: int, number: int, size: int) -> tuple[list[CustomCommand], int]:
    """Page ``number`` (1-based) of the guild's commands by name, and the page count."""
    total = await CustomCommand.filter(guild_id=guild_id).count()
    pages = max(1, -(-total // size))
    rows = await (
        CustomCommand.filter(guild_id=guild_id)
        .order_by("command_name").offset((number - 1) * size).limit(size)
    )
    return list(rows), pages


async def _existing(guild_id: int, name: str) -> CustomCommand:
    command = await get(guild_id, name)
    if command is None:
        raise CustomCommandError("info.unknown", name=name.strip().lower()[:32])
    return command


class UsesBuffer:
    """Pending use counts by command id; :meth:`flush` writes them in one statement."""

    def __init__(self) -> None:
        self._pending: dict[int, int] = {}
        self._lock = asyncio.Lock()

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, command_id: int) -> None:
        """Count one use (no I/O)."""
        self._pending[command_id] = self._pending.get(command_id, 0) + 1

    def pending(self, command_id: int) -> int:
        """Uses counted and not yet written."""
        return self._pending.get(command_id, 0)

    async def flush(self) -> int:
        """Write every pending count (``executemany``); return the commands updated.

        A failed write puts the counts back, so nothing is lost or counted twice.
        """
        async with self._lock:
            pending, self._pending = self._pending, {}
            if not pending:
                return 0
            conn = connections.get(CONNECTION)
            pg = conn.schema_generator.DIALECT == "postgres"
            try:
                await conn.execute_many(
                    _ADD_USES_PG if pg else _ADD_USES,
                    [[count, command_id] for command_id, count in pending.items()],
                )
            except BaseException:
                for command_id, count in pending.items():
                    self._pending[command_id] = self._pending.get(command_id, 0) + count
                raise
            return len(pending)
