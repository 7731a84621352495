"""Leveling logic other code may call: rewards and admin XP changes (``/xp``).

A guild's own settings (rates, announcements, exclusions) are in
:mod:`plugins.leveling.guild_settings`. Invalid input raises ``ValueError`` and writes
nothing.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from core.plugins.api import ActorFacts, BotFacts, RoleFacts, role_rule, xp
from plugins.leveling.models import LevelReward, XpAdjustment
from plugins.leveling.texts import LevelingRefused

# -- rewards -------------------------------------------------------------------------------


async def rewards(guild_id: int) -> list[tuple[int, int]]:
    """The guild's ``(level, role_id)`` rewards, lowest level first."""
    rows = await LevelReward.filter(guild_id=guild_id).order_by("level")
    return [(r.level, r.role_id) for r in rows]


async def add_reward(guild_id: int, level: int, role_id: int) -> None:
    """Give ``role_id`` at ``level`` (replacing the role of that level, if any)."""
    if not 2 <= level <= 1000:
        raise LevelingRefused("refused.level_range", low=2, high=1000)
    other = await LevelReward.get_or_none(guild_id=guild_id, role_id=role_id)
    if other is not None and other.level != level:
        raise LevelingRefused("refused.role_taken", level=other.level)
    await LevelReward.update_or_create(
        guild_id=guild_id, level=level, defaults={"role_id": role_id}
    )


async def set_reward(
    guild_id: int, level: int, role: RoleFacts, actor: ActorFacts, bot: BotFacts, source: str
) -> None:
    """``/levels reward add`` and the dashboard: :func:`core.services.role_rule.check_configurable`
    (``RoleRefused``, a ``ValueError``), then :func:`add_reward` and the approval."""
    role_rule.check_configurable(role, actor, bot)
    await add_reward(guild_id, level, role.id)
    await role_rule.record_approval(guild_id, role, actor, source)


async def remove_reward(guild_id: int, level: int) -> bool:
    """Stop rewarding ``level``; ``False`` when it had no reward."""
    if not 2 <= level <= 1000:  # no reward can exist there (and the column is 32-bit)
        return False
    return await LevelReward.filter(guild_id=guild_id, level=level).delete() > 0


def reward_roles(
    level: int, guild_rewards: list[tuple[int, int]], keep_lower: bool
) -> tuple[set[int], set[int]]:
    """``(roles the member should have, reward roles the member should not have)``.

    Rewards above ``level`` are never held (an admin may lower XP). With ``keep_lower``
    every reached reward is held; otherwise only the highest one reached.
    """
    reached = sorted((lvl, role) for lvl, role in guild_rewards if lvl <= level)
    if keep_lower:
        wanted = {role for _, role in reached}
    else:
        wanted = {reached[-1][1]} if reached else set()
    every = {role for _, role in guild_rewards}
    return wanted, every - wanted


# -- admin XP changes ----------------------------------------------------------------------


async def adjust_xp(
    guild_id: int,
    member_id: int,
    username: str,
    admin_id: int,
    action: str,
    amount: int,
    reason: str | None = None,
) -> xp.XpChange:
    """``/xp set|add|remove``: change the member's XP and write the audit row, atomically.

    ``amount`` must be 0..MAX_XP (and > 0 for add/remove); removing more than the member
    has leaves 0. Raises ``ValueError`` on bad input, changing nothing.
    """
    if action not in ("set", "add", "remove"):
        raise LevelingRefused("refused.action")
    if amount < 0:
        raise LevelingRefused("refused.negative")
    if amount > xp.MAX_XP:
        raise LevelingRefused("refused.too_much", maximum=xp.MAX_XP)
    if action != "set" and amount == 0:
        raise LevelingRefused("refused.at_least_one")
    if reason is not None and len(reason) > 500:
        raise LevelingRefused("refused.reason_length", maximum=500)
    async with in_transaction(xp.CONNECTION) as conn:
        if action == "set":
            change = await xp.change_member_xp(conn, guild_id, member_id, username, set_to=amount)
        else:
            delta = amount if action == "add" else -amount
            change = await xp.change_member_xp(conn, guild_id, member_id, username, delta=delta)
        await XpAdjustment.create(
            guild_id=guild_id, admin_id=admin_id, member_id=member_id, delta=change.delta,
            xp_after=change.new_xp, reason=reason, using_db=conn,
        )
    return change
