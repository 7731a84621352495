"""Plugin panels of the settings page: leveling's no-XP channels and role rewards,
moderation's warning expiry and escalation thresholds, economy's reward amounts.

Writes go through :mod:`plugins.leveling.service` (the functions ``/levels`` uses, which
also drop the guild's cached settings in every process), each followed by an audit row.
"""

from __future__ import annotations

from typing import Any

from core.services import audit
from core.web import guild_objects
from core.web.context import WebContext
from core.web.guards import AdminGuild


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
    text = str(raw or "").strip()
    if not text.isdigit() or len(text) > 7:
        raise ValueError(f"{what} must be a whole number")
    return int(text)


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
        await service.set_reward(admin.id, level, role, objects.bot)
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


OVERRIDABLE = ("moderation", "economy")
TITLES = {"moderation": "Warnings and escalation", "economy": "Economy amounts"}
LABELS = {
    "warning_expiry_days": "Warnings expire after (days)",
    "escalate_mute_at": "Mute at this many active warnings (0: never)",
    "escalate_mute_minutes": "Mute length (minutes)",
    "escalate_kick_at": "Kick at (0: never)",
    "escalate_ban_at": "Ban at (0: never)",
    "daily_amount": "Daily reward",
    "work_min": "Work pays at least",
    "work_max": "Work pays at most",
    "gamble_max_bet": "Highest bet",
}


def _defaults(c: WebContext, plugin: str) -> Any:
    from plugins.economy.settings import EconomySettings
    from plugins.moderation.settings import ModerationSettings

    model = {"economy": EconomySettings, "moderation": ModerationSettings}[plugin]
    return model(**c.settings.plugins.section(plugin))


def _overrides(plugin: str) -> Any:
    from plugins.economy.guild_rules import AMOUNTS
    from plugins.moderation.rules import RULES

    return {"economy": AMOUNTS, "moderation": RULES}[plugin]


async def overrides_panel(c: WebContext, plugin: str, guild_id: int) -> dict[str, Any]:
    """The guild's effective values of the plugin's per-guild settings."""
    overrides = _overrides(plugin)
    merged = await overrides.effective(guild_id, _defaults(c, plugin))
    return {f: getattr(merged, f) for f in overrides.fields}


def overrides_saver(plugin: str) -> Any:
    """The form handler changing the plugin's per-guild settings (``ValueError`` if bad)."""

    async def save(c: WebContext, admin: AdminGuild, form: Any) -> None:
        overrides = _overrides(plugin)
        changes = {f: _int(form.get(f), f.replace("_", " ")) for f in overrides.fields}
        await overrides.change(admin.id, _defaults(c, plugin), changes,
                               actor_id=admin.session.user_id, source="web")

    return save


def deployment_wide(c: WebContext) -> dict[str, dict[str, Any]]:
    """The other settings of those plugins: the same for every guild (config.toml)."""
    shown: dict[str, dict[str, Any]] = {}
    for plugin in OVERRIDABLE:
        if plugin in c.enabled_plugins:
            values = _defaults(c, plugin).model_dump()
            own = _overrides(plugin).fields
            shown[plugin] = {k: v for k, v in values.items() if k not in own}
    return shown
