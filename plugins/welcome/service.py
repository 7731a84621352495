"""Welcome settings: one validation and one write for ``/welcome`` and the dashboard.

The channel and the join role are core's ``guild_config`` columns, written through
``GuildConfigService.update`` (audit row, every process's cache dropped); the template and
the DM switch are ``welcome_settings``. The join role follows
:mod:`core.services.role_rule`. Bad input raises :class:`WelcomeError` (a ``ValueError``
whose message is meant for the user) and writes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from core.plugins.api import (
    MAX_OUTPUT,
    ActorFacts,
    BotFacts,
    RoleFacts,
    TextError,
    audit,
    render_template,
    role_rule,
)
from plugins.welcome.models import WelcomeSettings
from plugins.welcome.texts import TEXTS

TOKENS = "{user}, {user.mention}, {user.name}, {user.id}, {server}, {server.members}"


class WelcomeError(TextError, ValueError):
    """Bad input (``refused.*`` and ``choose_on_off`` of the plugin's texts): English in
    ``str()`` (the dashboard), worded for the reader of a command (``user_facing``)."""

    owner = TEXTS
    user_facing = True


@dataclass(frozen=True, slots=True)
class Welcome:
    """A guild's welcome setup: where it is posted, the text, the DM switch, the role."""

    channel_id: int | None
    template: str
    dm: bool
    role_id: int | None

    @property
    def active(self) -> bool:
        """Whether a join produces a message (in a channel, by DM or both)."""
        return self.channel_id is not None or self.dm


@dataclass(frozen=True, slots=True)
class Newcomer:
    """What a welcome template may show about the member who joined (plain values)."""

    user_id: int
    user_name: str
    user_display: str
    server: str
    server_members: int


def render(template: str, who: Newcomer) -> str:
    """The welcome text for ``who`` through core's safe renderer (no ``{argN}``)."""
    table = {
        "user": who.user_display,
        "user.mention": f"<@{who.user_id}>",
        "user.name": who.user_name,
        "user.id": str(who.user_id),
        "server": who.server,
        "server.members": str(who.server_members),
    }
    return render_template(template, table, empty="(empty welcome)")


def check_template(text: str) -> str:
    """``text`` trimmed, if it is 1-2,000 characters."""
    clean = text.strip()
    if not clean:
        raise WelcomeError("refused.empty")
    if len(clean) > MAX_OUTPUT:
        raise WelcomeError("refused.too_long", maximum=MAX_OUTPUT, length=len(clean))
    return clean


async def current(configs: Any, guild_id: int, default_template: str) -> Welcome:
    """The guild's welcome setup (the default template until one is set)."""
    config = await configs.get(guild_id)
    row = await WelcomeSettings.get_or_none(guild_id=guild_id)
    return Welcome(config.welcome_channel_id, row.template if row else default_template,
                   row.dm if row else False, config.auto_role_id)


async def _save(guild_id: int, actor_id: int, source: str, default_template: str,
                **changes: Any) -> WelcomeSettings:
    row = await WelcomeSettings.get_or_none(guild_id=guild_id)
    before = {key: getattr(row, key) if row else None for key in changes}
    if row is None:
        values = {"template": default_template, "dm": False, **changes}
        row = await WelcomeSettings.create(guild_id=guild_id, set_by=actor_id, **values)
    else:
        for key, value in changes.items():
            setattr(row, key, value)
        row.set_by = actor_id
        await row.save(update_fields=[*changes, "set_by", "updated_at"])
    for key, value in changes.items():
        if before[key] != value:
            await audit.record_change(guild_id, actor_id, source, f"welcome.{key}",
                                      before[key], value)
    return row


async def set_template(guild_id: int, text: str, actor_id: int, source: str,
                       default_template: str) -> WelcomeSettings:
    """Store the welcome text after :func:`check_template`."""
    return await _save(guild_id, actor_id, source, default_template,
                       template=check_template(text))


async def set_dm(guild_id: int, on: bool, actor_id: int, source: str,
                 default_template: str) -> WelcomeSettings:
    """Also (or no longer) send the welcome to the newcomer by DM."""
    return await _save(guild_id, actor_id, source, default_template, dm=bool(on))


async def set_channel(configs: Any, guild_id: int, channel_id: int | None,
                      guild_channels: Collection[int], *, actor_id: int, source: str) -> None:
    """Post the welcome in ``channel_id`` (``None``: in no channel); one of the guild's."""
    if channel_id is not None and channel_id not in guild_channels:
        raise WelcomeError("refused.channel_elsewhere")
    await configs.update(guild_id, actor_id=actor_id, source=source,
                         welcome_channel_id=channel_id)


async def set_auto_role(configs: Any, guild_id: int, role: RoleFacts | None,
                        actor: ActorFacts, bot: BotFacts, *, source: str) -> None:
    """Give ``role`` to every new member (``None``: no join role) after the role rule
    (:func:`core.services.role_rule.check_configurable`; ``RoleRefused`` writes nothing)."""
    if role is not None:
        role_rule.check_configurable(role, actor, bot)
    await configs.update(guild_id, actor_id=actor.id, source=source,
                         auto_role_id=role.id if role else None)
    if role is not None:
        await role_rule.record_approval(guild_id, role, actor, source)


async def turn_off(configs: Any, guild_id: int, actor_id: int, source: str,
                   default_template: str) -> None:
    """No welcome message any more: no channel, no DM (the text and join role stay)."""
    await configs.update(guild_id, actor_id=actor_id, source=source, welcome_channel_id=None)
    if await WelcomeSettings.filter(guild_id=guild_id, dm=True).exists():
        await set_dm(guild_id, False, actor_id, source, default_template)
