"""Economy tables: ``transactions`` (+ archive), ``shop_items``, ``economy_settings``."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from core.plugins.api import Lifecycle


class Transaction(Model):
    """One movement of coins for one member of one guild."""

    id = fields.IntField(primary_key=True)
    user_id = fields.BigIntField()
    guild_id = fields.BigIntField()
    amount = fields.IntField()
    transaction_type = fields.TextField()
    description = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="The financial history of every member: the economy's audit trail.",
        grows="Every economic action (daily, work, gamble, transfer, purchase).",
        cleaned="Moved to the archive after 90 days in bounded batches.",
        owner="economy",
        retention="90 days hot (configurable), then archived.",
    )

    class Meta:
        table = "transactions"
        indexes = (Index(fields=("user_id", "guild_id"), name="idx_transactions_user"),)


class TransactionArchive(Model):
    """A transaction older than the hot retention, moved here unchanged (same id)."""

    id = fields.IntField(primary_key=True, generated=False)
    user_id = fields.BigIntField()
    guild_id = fields.BigIntField()
    amount = fields.IntField()
    transaction_type = fields.TextField()
    description = fields.TextField(null=True)
    created_at = fields.DatetimeField()
    archived_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="Cold storage of old transactions; balances equal hot + archived sums.",
        grows="Daily, as transactions pass the hot retention (90 days by default).",
        cleaned="Never automatically (fraud investigation and balance integrity).",
        owner="economy",
        retention="Forever.",
    )

    class Meta:
        table = "transactions_archive"
        indexes = (
            Index(fields=("user_id", "guild_id"), name="idx_transactions_archive_user"),
        )


class ShopItem(Model):
    """Something a guild sells for coins, optionally granting a role."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    name = fields.CharField(max_length=50)
    price = fields.IntField()
    role_id = fields.BigIntField(null=True)
    description = fields.TextField(null=True)
    created_by = fields.BigIntField()
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="The items a guild's shop sells (price, optional role).",
        grows="When an admin adds an item with /shop add (a handful per guild).",
        cleaned="On /shop remove, and with the guild when the bot is removed.",
        owner="economy",
        retention="Kept while the guild keeps the bot.",
    )

    class Meta:
        table = "shop_items"
        unique_together = (("guild_id", "name"),)


class EconomyGuildSettings(Model):
    """A guild's own reward amounts (see ``guild_rules.py``)."""

    guild_id = fields.BigIntField(primary_key=True, generated=False)
    daily_amount = fields.IntField()
    work_min = fields.IntField()
    work_max = fields.IntField()
    gamble_max_bet = fields.IntField()
    updated_by = fields.BigIntField(null=True)
    updated_at = fields.DatetimeField(auto_now=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="One guild's daily, work and gamble amounts, when an admin set them "
                   "(otherwise [plugins.economy] applies).",
        grows="One row per guild whose admins changed these settings.",
        cleaned="Deleted with the guild's data when the bot is removed (guild purge).",
        owner="economy",
        retention="Kept while the guild keeps the bot.",
    )

    class Meta:
        table = "economy_settings"
