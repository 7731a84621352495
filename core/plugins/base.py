"""A base class for plugins whose tables are keyed by guild and user.

It implements the data hooks (models, guild purge, user export and delete) from a short
declaration, so a plugin class only adds what is its own (cogs, timers, settings)::

    class EconomyPlugin(TablePlugin):
        models_module = "plugins.economy.models"
        guild_tables = ("plugins.economy.models.Transaction",)
        user_columns = {"plugins.economy.models.Transaction": "user_id"}

    plugin = EconomyPlugin()
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

from tortoise.models import Model

from core.plugins.data import (
    anonymise_user_rows,
    delete_guild_rows,
    delete_user_rows,
    export_user_rows,
)
from core.plugins.hookspecs import hookimpl


def _model(dotted: str) -> type[Model]:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


class TablePlugin:
    """Data hooks derived from class attributes; subclass and set them.

    Attributes:
        models_module: dotted module of the plugin's Tortoise models (``None``: no tables).
        guild_tables: models (dotted paths) whose rows are deleted when a guild is purged.
        user_columns: ``{model: column}`` holding the id of the user the row is about:
            exported, and deleted on the user's request.
        actor_columns: ``{model: column}`` holding the id of the user who made a row that
            belongs to the guild (a custom command's creator): exported, and set to
            ``0`` (anonymised) on the user's request, so the guild keeps the row.
        keep_on_user_delete: models exported but never changed (audit records).
    """

    models_module: ClassVar[str | None] = None
    guild_tables: ClassVar[tuple[str, ...]] = ()
    user_columns: ClassVar[dict[str, str]] = {}
    actor_columns: ClassVar[dict[str, str]] = {}
    keep_on_user_delete: ClassVar[tuple[str, ...]] = ()

    @hookimpl
    def guildhall_models(self) -> str | None:
        """The plugin's models module."""
        return self.models_module

    @hookimpl
    async def guildhall_guild_purge(self, guild_id: int) -> int:
        """Delete the removed guild's rows from ``guild_tables``."""
        return await delete_guild_rows(guild_id, *(_model(m) for m in self.guild_tables))

    @hookimpl
    async def guildhall_user_export(self, user_id: int) -> dict[str, Any]:
        """Every row naming the user: ``table`` (about them), ``table.column`` (by them)."""
        exported = await export_user_rows(user_id, self._columns(self.user_columns))
        exported.update(await export_user_rows(
            user_id, self._columns(self.actor_columns), key_by_column=True
        ))
        return exported

    @hookimpl
    async def guildhall_user_delete(self, user_id: int) -> int:
        """Delete the rows about the user and anonymise the rows by them, except in
        ``keep_on_user_delete`` tables."""
        deleted = await delete_user_rows(user_id, self._columns(self.user_columns, kept=False))
        return deleted + await anonymise_user_rows(
            user_id, self._columns(self.actor_columns, kept=False)
        )

    def _columns(self, columns: dict[str, str], kept: bool = True) -> dict[type[Model], str]:
        return {
            _model(m): column
            for m, column in columns.items()
            if kept or m not in self.keep_on_user_delete
        }
