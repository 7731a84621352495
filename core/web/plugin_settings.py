"""Leveling's panel of the settings page: no-XP channels and role rewards (actions on
lists, so not a plain :class:`core.plugins.contracts.WebPanel` form).

Writes go through :mod:`plugins.leveling.service` (the functions ``/levels`` uses, which
also drop the guild's cached settings in every process), each followed by an audit row.
"""

from __future__ import annotations

from typing import Any

from core.services import audit
from core.web import guild_objects
from core.web.context import WebContext
from core.web.guards import AdminGuild
from core.web.params import bounded


def _configs(c: WebContext) -> Any:
    from plugins.leveling.service import GuildLevelConfigs
    from plugins.leveling.settings import LevelingSettings

    return GuildLevelConfigs(LevelingSettings(**c.settings.plugins.section("leveling")),
                             cache_size=0, ttl=0.0)


async def leveling_panel(c: WebContext, guild_id: int) -> dict[str, Any]:
    """The guild's excluded channels and rewards for the template."""
    from plugins.leveling import service

    config = await _configs(c).get(guild_id)
    return {"excluded": sorted(config.excluded_channels),
            "rewards": await service.rewards(guild_id)}


def _int(raw: object, what: str) -> int:
    value = bounded(str(raw or ""), 0, 9_999_999)
    if value is None:
        raise ValueError(f"{what} must be a whole number")
    return value


async def save_leveling(c: WebContext, admin: AdminGuild, form: Any) -> None:
    """Apply one leveling action from the form; ``ValueError`` with the reason on bad input."""
    from plugins.leveling import service

    objects = await guild_objects.load(c, admin.id)

    action = form.get("action")
    actor = admin.session.user_id
    if action in ("exclude", "include"):
        channel = objects.channel(form.get("channel_id"))
        if channel is None:
            raise ValueError("choose a channel")
        configs = _configs(c)
        if action == "exclude":
            changed = await configs.exclude(admin.id, "channel", channel)
        else:
            changed = await configs.include(admin.id, channel)
        if changed:
            await audit.record_change(admin.id, actor, "web", f"leveling.{action}", None, channel)
    elif action == "reward":
        level = _int(form.get("level"), "the level")
        role = objects.role_of(form.get("role_id"))
        if role is None:
            raise ValueError("choose a role")
        before = dict(await service.rewards(admin.id)).get(level)
        who = await guild_objects.actor(c, admin.id, actor)
        await service.set_reward(admin.id, level, role, who, objects.bot, "web")
        await audit.record_change(admin.id, actor, "web", f"leveling.reward.{level}", before,
                                  role.id)
    elif action == "unreward":
        level = _int(form.get("level"), "the level")
        before = dict(await service.rewards(admin.id)).get(level)
        if not await service.remove_reward(admin.id, level):
            raise ValueError(f"level {level} has no reward")
        await audit.record_change(admin.id, actor, "web", f"leveling.reward.{level}", before,
                                  None)
    else:
        raise ValueError("unknown action")

