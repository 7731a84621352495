"""Leveling's panel of a guild's settings page: channels without XP and role rewards, two
lists with a remove button per row and an add form (actions of the ``/levels`` command).

Writes go through :mod:`plugins.leveling.service` (the functions ``/levels`` uses, which
also drop the guild's cached settings in every process), each followed by an audit row;
a reward's role follows :mod:`core.services.role_rule` with the user's current standing.
"""

from __future__ import annotations

from core.plugins.api import GuildRequest, ListRow, PanelField, PanelList, Settings, WebPanel, audit
from core.web.params import bounded
from plugins.leveling import service
from plugins.leveling.guild_settings import GuildLevelConfigs
from plugins.leveling.settings import LevelingSettings


def _int(raw: object, what: str) -> int:
    value = bounded(str(raw or ""), 0, 9_999_999)
    if value is None:
        raise ValueError(f"{what} must be a whole number")
    return value


def panels(settings: Settings) -> list[WebPanel]:
    """The "Leveling" panel over the ``[plugins.leveling]`` defaults."""
    defaults = LevelingSettings(**settings.plugins.section("leveling"))

    def configs() -> GuildLevelConfigs:
        return GuildLevelConfigs(defaults, cache_size=0, ttl=0.0)

    async def excluded(request: GuildRequest) -> list[ListRow]:
        names = {ch.id: ch.name for ch in (await request.guild()).channels}
        config = await configs().get(request.guild_id)
        return [ListRow(cid, f"#{names[cid]}" if cid in names else f"channel {cid}")
                for cid in sorted(config.excluded_channels)]

    async def exclude_or_include(request: GuildRequest) -> None:
        action = str(request.form.get("action"))
        channel = (await request.guild()).channel(request.form.get("channel_id"))
        if channel is None:
            raise ValueError("choose a channel")
        if action == "exclude":
            changed = await configs().exclude(request.guild_id, "channel", channel)
        else:
            changed = await configs().include(request.guild_id, channel)
        if changed:
            await audit.record_change(request.guild_id, request.actor_id, "web",
                                      f"leveling.{action}", None, channel)

    async def rewards(request: GuildRequest) -> list[ListRow]:
        names = {r.id: r.name for r in (await request.guild()).roles}
        return [ListRow(level, f"Level {level}: {names.get(role_id, f'role {role_id}')}")
                for level, role_id in await service.rewards(request.guild_id)]

    async def reward(request: GuildRequest) -> None:
        objects = await request.guild()
        level = _int(request.form.get("level"), "the level")
        role = objects.role_of(request.form.get("role_id"))
        if role is None:
            raise ValueError("choose a role")
        before = dict(await service.rewards(request.guild_id)).get(level)
        who = await request.actor()
        await service.set_reward(request.guild_id, level, role, who, objects.bot, "web")
        await audit.record_change(request.guild_id, request.actor_id, "web",
                                  f"leveling.reward.{level}", before, role.id)

    async def unreward(request: GuildRequest) -> None:
        level = _int(request.form.get("level"), "the level")
        before = dict(await service.rewards(request.guild_id)).get(level)
        if not await service.remove_reward(request.guild_id, level):
            raise ValueError(f"level {level} has no reward")
        await audit.record_change(request.guild_id, request.actor_id, "web",
                                  f"leveling.reward.{level}", before, None)

    lists = (
        PanelList("Channels without XP", excluded, "channel_id", "exclude", "include",
                  (PanelField("channel_id", "Channel", "channel"),),
                  "Stop XP in this channel", exclude_or_include, exclude_or_include),
        PanelList("Role rewards", rewards, "level", "reward", "unreward",
                  (PanelField("level", "Level", "number", max_length=4),
                   PanelField("role_id", "Role", "role")),
                  "Add reward", reward, unreward),
    )
    return [WebPanel("leveling", "Leveling", (), lists=lists, saved="Leveling settings saved.")]
