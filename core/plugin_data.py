"""Helpers plugins use to implement the guild-purge and user-data hooks in one line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.models import Model


async def delete_guild_rows(guild_id: int, *models: type[Model]) -> int:
    """Delete every row of ``models`` whose ``guild_id`` is ``guild_id``; return the count."""
    deleted = 0
    for model in models:
        deleted += await model.filter(guild_id=guild_id).delete()
    return deleted


async def export_user_rows(
    user_id: int, models: dict[type[Model], str]
) -> dict[str, list[dict[str, Any]]]:
    """Rows of each model whose column (the dict value) equals ``user_id``, as plain data."""
    exported: dict[str, list[dict[str, Any]]] = {}
    for model, column in models.items():
        rows = await model.filter(**{column: user_id}).order_by(model._meta.pk_attr).values()
        exported[model._meta.db_table] = [
            {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}
            for row in rows
        ]
    return exported


async def delete_user_rows(user_id: int, models: dict[type[Model], str]) -> int:
    """Delete rows of each model whose column (the dict value) equals ``user_id``."""
    deleted = 0
    for model, column in models.items():
        deleted += await model.filter(**{column: user_id}).delete()
    return deleted
