"""The one rule for every role the bot hands out: level rewards, shop roles, the mute role.

Configuring a role (slash command or dashboard, :func:`check_configurable`): the role is a
normal role (not @everyone, not managed) below the bot's highest role, the bot has Manage
Roles, and the person has Manage Roles and a highest role above it (the owner is exempt);
a role carrying a dangerous permission (:data:`DANGEROUS`) needs the owner or an
Administrator, whose approval is kept as an audit row (:func:`record_approval`).

Granting it later (:func:`may_grant`): the same role checks again, and its dangerous
permissions must all have been approved, so a role that gained Administrator since is not
given; the refusal is logged and posted to the guild's log channel in the guild's preferred
language (``role_rule.not_given``).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

import disnake

from core.bot.errors import PermissionNames
from core.bot.log_channel import post_to_log_channel
from core.bot.texts import TEXTS
from core.db.models import SettingsAudit
from core.i18n.formatting import LocalizedValue
from core.i18n.texts import TextError
from core.services import audit
from core.services.guild_facts import ActorFacts, BotFacts, RoleFacts, bot_facts, role_facts

if TYPE_CHECKING:
    from core.plugins.bot_like import BotLike

log = logging.getLogger(__name__)

ADMINISTRATOR = 1 << 3
MANAGE_ROLES = 1 << 28
# Permissions that let a role's holder take over or disrupt the server.
DANGEROUS: dict[str, int] = {
    "administrator": ADMINISTRATOR,
    "manage_guild": 1 << 5,
    "manage_roles": MANAGE_ROLES,
    "manage_channels": 1 << 4,
    "manage_webhooks": 1 << 29,
    "ban_members": 1 << 2,
    "kick_members": 1 << 1,
    "moderate_members": 1 << 40,
    "mention_everyone": 1 << 17,
}
DANGEROUS_BITS = sum(DANGEROUS.values())
APPROVAL_PREFIX = "role_rule.approved."


class RoleRefused(TextError, ValueError):
    """A role the bot must not hand out; the message (``role_rule.*`` of core's texts, or
    ``texts=`` a plugin's) says which rule failed, in the reader's language when a command
    raises it (``user_facing``)."""

    owner = TEXTS
    user_facing = True


def shown(role: RoleFacts) -> str:
    """The role's name, safe to show (no markdown, no mentions)."""
    return disnake.utils.escape_mentions(disnake.utils.escape_markdown(role.name))


def dangerous_names(permissions: int) -> PermissionNames:
    """``"Administrator, Ban Members"``: the dangerous permissions among ``permissions``."""
    return PermissionNames(tuple(flag for flag, bit in DANGEROUS.items() if permissions & bit))


def check_normal(role: RoleFacts) -> None:
    """The role is one a bot can give: not @everyone, not managed by an integration."""
    if role.default or role.managed:
        raise RoleRefused("role_rule.normal")


def check_role(role: RoleFacts, bot: BotFacts) -> None:
    """A normal role the bot can give (it has Manage Roles and ranks above the role)."""
    check_normal(role)
    if not bot.manage_roles:
        raise RoleRefused("errors.i_need", permissions=PermissionNames(("manage_roles",)))
    if role.position >= bot.top_position:
        raise RoleRefused("role_rule.bot_below", role=shown(role))


def check_actor(role: RoleFacts, actor: ActorFacts) -> None:
    """``actor`` may hand out ``role``: the owner, or Manage Roles and a higher role (and
    Administrator for a role with a dangerous permission)."""
    if actor.owner:
        return
    if not actor.permissions & (MANAGE_ROLES | ADMINISTRATOR):
        raise RoleRefused("errors.you_need", permissions=PermissionNames(("manage_roles",)))
    if actor.top_position <= role.position:
        raise RoleRefused("role_rule.actor_below", role=shown(role))
    if role.permissions & DANGEROUS_BITS and not actor.permissions & ADMINISTRATOR:
        raise RoleRefused("role_rule.dangerous", role=shown(role),
                          permissions=dangerous_names(role.permissions))


def check_configurable(role: RoleFacts, actor: ActorFacts, bot: BotFacts) -> None:
    """``actor`` may make the bot hand out ``role``; :class:`RoleRefused` names the first
    rule that failed (the role itself, the person, then the bot)."""
    check_normal(role)
    check_actor(role, actor)
    check_role(role, bot)


def check_grantable(role: RoleFacts, bot: BotFacts, approved: int) -> None:
    """The bot may give ``role`` now: :func:`check_role`, and every dangerous permission it
    carries was approved (``approved``: the bits the owner or an Administrator accepted)."""
    check_role(role, bot)
    unapproved = role.permissions & DANGEROUS_BITS & ~approved
    if unapproved:
        raise RoleRefused("role_rule.unapproved", role=shown(role),
                          permissions=dangerous_names(unapproved))


async def record_approval(guild_id: int, role: RoleFacts, actor: ActorFacts, source: str) -> None:
    """After a successful configuration: keep the dangerous permissions ``actor`` (owner or
    Administrator, checked) accepted for ``role``, as an audit row (none if there are none)."""
    bits = role.permissions & DANGEROUS_BITS
    if bits:
        await audit.record_change(guild_id, actor.id, source, f"{APPROVAL_PREFIX}{role.id}",
                                  None, bits)


async def approved_permissions(guild_id: int, role_id: int) -> int:
    """The dangerous permissions last approved for the role (0: none)."""
    row = await SettingsAudit.filter(
        guild_id=guild_id, setting=f"{APPROVAL_PREFIX}{role_id}").order_by("-id").first()
    if row is None or row.after is None:
        return 0
    value = json.loads(row.after)
    return value if isinstance(value, int) else 0


async def may_grant(
    bot: BotLike, guild: disnake.Guild, role: disnake.Role, purpose: LocalizedValue | str
) -> RoleRefused | None:
    """``None`` when the bot may give ``role`` now; else the refusal (worded per reader),
    which is logged and posted to the guild's log channel in the guild's language
    (``purpose``: our own words, a plugin's ``Phrase`` such as "a level reward")."""
    facts = role_facts(role)
    approved = (await approved_permissions(guild.id, role.id)
                if facts.permissions & DANGEROUS_BITS else 0)
    try:
        check_grantable(facts, bot_facts(guild), approved)
    except RoleRefused as exc:
        log.warning("role %s not given in guild %s (%s): %s", role.id, guild.id, purpose, exc)
        await post_to_log_channel(bot, guild.id, TEXTS.to(guild)(
            "role_rule.not_given", purpose=purpose, reason=exc))
        return exc
    return None
