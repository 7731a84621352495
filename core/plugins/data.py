"""Helpers plugins use to implement the guild-purge and user-data hooks in one line."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tortoise.models import Model


async def delete_guild_rows(guild_id: int, *models: type[Model]) -> int:
    """Delete every row of ``models`` whose ``guild_id`` is ``guild_id``; return the count."""
    deleted = 0
    for model in models:
        deleted += await model.filter(guild_id=guild_id).delete()
    return deleted


async def export_user_rows(
    user_id: int, models: dict[type[Model], str], *, key_by_column: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """Rows of each model whose column (the dict value) equals ``user_id``, as plain data.

    Keys are table names, or ``"table.column"`` with ``key_by_column`` (for columns that
    name the user as the actor, e.g. ``mod_actions.moderator_id``).
    """
    exported: dict[str, list[dict[str, Any]]] = {}
    for model, column in models.items():
        rows = await model.filter(**{column: user_id}).order_by(model._meta.pk_attr).values()
        key = model._meta.db_table
        exported[f"{key}.{column}" if key_by_column else key] = [
            {k: v.isoformat() if isinstance(v, datetime | date) else v for k, v in row.items()}
            for row in rows
        ]
    return exported


async def delete_user_rows(user_id: int, models: dict[type[Model], str]) -> int:
    """Delete rows of each model whose column (the dict value) equals ``user_id``."""
    deleted = 0
    for model, column in models.items():
        deleted += await model.filter(**{column: user_id}).delete()
    return deleted


ANONYMOUS_USER_ID = 0


async def anonymise_user_rows(user_id: int, models: dict[type[Model], str]) -> int:
    """Set the column (the dict value) to :data:`ANONYMOUS_USER_ID` where it is ``user_id``.

    For rows that belong to a guild but name the user as their author (a custom command
    they created): the row stays, the link to the person goes.
    """
    changed = 0
    for model, column in models.items():
        changed += await model.filter(**{column: user_id}).update(**{column: ANONYMOUS_USER_ID})
    return changed
