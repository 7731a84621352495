"""``/shop list|add|remove`` and ``/buy``: per-guild items, optionally granting a role.

Roles follow :mod:`core.services.role_rule` when an item is added and again at each purchase.
A purchase is paid first (a ``purchase`` transaction); the role is given after payment
and, if Discord refuses it, the price is refunded (a ``refund`` transaction).
"""

from __future__ import annotations

import logging

import disnake
from disnake.ext import commands

from core.plugins.api import (
    GUILD_ONLY,
    BotLike,
    Speaker,
    actor_facts,
    bot_facts,
    require_manage_guild,
    role_facts,
    role_rule,
)
from plugins.economy import shop
from plugins.economy.models import ShopItem
from plugins.economy.replies import Reply, answer, money, safe_text
from plugins.economy.service import parse_amount
from plugins.economy.settings import EconomySettings
from plugins.economy.texts import TEXTS

log = logging.getLogger(__name__)


def item_line(item: ShopItem, settings: EconomySettings, t: Speaker) -> str:
    """One shop item for display."""
    role = t("shop.gives", role=f"<@&{item.role_id}>") if item.role_id else ""
    about = f"\n  {item.description}" if item.description else ""
    return f"**{item.name}** — {money(t, settings, item.price)}{role}{about}"


class Shop(commands.Cog):
    """The guild's shop."""

    def __init__(self, bot: BotLike, settings: EconomySettings) -> None:
        self.bot = bot
        self.settings = settings

    @commands.slash_command(name="shop", description="This server's shop", contexts=GUILD_ONLY)
    async def shop(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Parent of the shop subcommands."""

    @shop.sub_command(name="list", description="What the shop sells")
    async def shop_list(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """List the items, cheapest first."""
        assert inter.guild is not None
        guild_id = inter.guild.id
        t = TEXTS.to(inter)

        async def work() -> Reply:
            items = await shop.list_items(guild_id)
            if not items:
                return t("shop.empty")
            lines = [t("shop.title"), *(item_line(i, self.settings, t) for i in items)]
            return "\n".join(lines)[:2000]

        await answer(inter, self.settings, work)

    @shop.sub_command(name="add", description="Add an item (Manage Server)")
    async def shop_add(
        self,
        inter: disnake.ApplicationCommandInteraction,
        name: str = commands.Param(max_length=50, description="Item name"),
        price: str = commands.Param(description="Price in coins"),
        role: disnake.Role | None = commands.Param(default=None, description="Role it gives"),
        description: str | None = commands.Param(default=None, max_length=200,
                                                 description="What it is"),
    ) -> None:
        """Add an item to the shop."""
        guild = inter.guild
        assert guild is not None
        require_manage_guild(inter.author)
        assert isinstance(inter.author, disnake.Member)
        guild_id, actor = guild.id, actor_facts(inter.author)
        t = TEXTS.to(inter)
        own = guild.get_role(role.id) if role is not None else None
        if role is not None and own is None:
            raise role_rule.RoleRefused("shop.normal_role", texts=TEXTS)
        if own is not None:  # the rule of every role the bot gives; nothing written if not
            role_rule.check_configurable(role_facts(own), actor, bot_facts(guild))

        async def work() -> Reply:
            try:
                value = parse_amount(price)
            except ValueError as exc:
                raise shop.ShopError("shop.bad_price", error=exc) from exc
            item = await shop.add_item(
                guild_id, safe_text(name, shop.NAME_MAX), value, created_by=inter.author.id,
                role_id=role.id if role else None,
                description=safe_text(description, shop.DESCRIPTION_MAX) if description else None,
                max_items=self.settings.shop_max_items,
            )
            if own is not None:
                await role_rule.record_approval(guild_id, role_facts(own), actor, "slash")
            return t("shop.added", item=item_line(item, self.settings, t))

        await answer(inter, self.settings, work)

    @shop.sub_command(name="remove", description="Remove an item (Manage Server)")
    async def shop_remove(
        self,
        inter: disnake.ApplicationCommandInteraction,
        name: str = commands.Param(max_length=50, description="Item name"),
    ) -> None:
        """Remove an item from the shop."""
        assert inter.guild is not None
        require_manage_guild(inter.author)
        guild_id = inter.guild.id
        t = TEXTS.to(inter)

        async def work() -> Reply:
            item = await shop.remove_item(guild_id, safe_text(name, shop.NAME_MAX))
            return t("shop.removed", item=item.name)

        await answer(inter, self.settings, work)

    @commands.slash_command(name="buy", description="Buy an item from the shop",
                            contexts=GUILD_ONLY)
    async def buy(
        self,
        inter: disnake.ApplicationCommandInteraction,
        item: str = commands.Param(max_length=50, description="Item name"),
    ) -> None:
        """Pay for an item; give its role after payment, refunding if that fails."""
        assert inter.guild is not None
        guild = inter.guild
        buyer = inter.author
        t = TEXTS.to(inter)

        async def work() -> Reply:
            found = await shop.find_item(guild.id, safe_text(item, shop.NAME_MAX))
            role = guild.get_role(found.role_id) if found.role_id else None
            if found.role_id and role is None:
                raise shop.ShopError("buy.role_gone")
            if role is not None and isinstance(buyer, disnake.Member) and role in buyer.roles:
                raise shop.ShopError("buy.has_role")
            if role is not None:  # checked again now: the role may have changed since
                refused = await role_rule.may_grant(
                    self.bot, guild, role, TEXTS.phrase("buy.purpose", member=f"<@{buyer.id}>"))
                if refused is not None:
                    raise shop.ShopError("buy.refused", reason=refused)
            balance = await shop.pay_for(found, buyer.id, buyer.name)
            price = money(t, self.settings, found.price)
            if role is not None:
                try:
                    assert isinstance(buyer, disnake.Member)
                    await buyer.add_roles(role, reason=f"bought {found.name} in the shop")
                except disnake.HTTPException as exc:
                    log.warning("shop role %s not given in guild %s: %s", role.id, guild.id, exc)
                    balance = await shop.refund(found, buyer.id, "the role could not be given")
                    return t("buy.refunded", item=found.name, price=price,
                             balance=money(t, self.settings, balance))
            return t("buy.bought", item=found.name, price=price,
                     balance=money(t, self.settings, balance))

        await answer(inter, self.settings, work)
