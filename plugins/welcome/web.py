"""Welcome on the dashboard: the "Welcome message" panel (text, DM switch) and the welcome
channel and join role in the guild's "Server" form.

Writes go through :mod:`plugins.welcome.service` (the ``/welcome`` code path) and are
audited; a new join role follows :mod:`core.services.role_rule` with the user's current
standing (the unchanged one is not checked again).
"""

from __future__ import annotations

from typing import Any

from core.plugins.api import (
    ActorFacts,
    Apply,
    GuildRequest,
    PanelField,
    ServerFields,
    Settings,
    WebPanel,
    role_rule,
)
from plugins.welcome import service
from plugins.welcome.models import WelcomeSettings
from plugins.welcome.settings import WelcomeConfig

NAME = "welcome"
DM_CHOICES = (("off", "No"), ("on", "Yes"))
SERVER_FIELDS = (
    PanelField("welcome_channel_id", "Welcome channel", "channel", empty="(no channel)"),
    PanelField("auto_role_id", "Role given on join", "role", empty="(none)"),
)


def own_settings(settings: Settings) -> WelcomeConfig:
    """``[plugins.welcome]``."""
    return WelcomeConfig.model_validate(settings.plugins.section(NAME))


def panels(settings: Settings) -> list[WebPanel]:
    """The "Welcome message" panel: the text and the DM switch."""
    default = own_settings(settings).default_template

    async def load(guild_id: int) -> dict[str, Any]:
        row = await WelcomeSettings.get_or_none(guild_id=guild_id)
        return {"template": row.template if row else default,
                "dm": "on" if row is not None and row.dm else "off"}

    async def save(guild_id: int, values: dict[str, Any], actor_id: int) -> None:
        if values["dm"] not in ("on", "off"):
            raise service.WelcomeError("refused.choose_dm")
        text = service.check_template(str(values["template"]))
        await service.set_template(guild_id, text, actor_id, "web", default)
        await service.set_dm(guild_id, values["dm"] == "on", actor_id, "web", default)

    fields = (
        PanelField("template", f"Welcome text ({service.TOKENS})", "textarea"),
        PanelField("dm", "Also send it by direct message", "choice", choices=DM_CHOICES),
    )
    return [WebPanel(NAME, "Welcome message", fields, load, save,
                     saved="Welcome message saved.")]


async def _load(request: GuildRequest) -> dict[str, Any]:
    config = await request.guild_configs.get(request.guild_id)
    return {"welcome_channel_id": config.welcome_channel_id,
            "auto_role_id": config.auto_role_id}


async def _check(request: GuildRequest) -> Apply:
    objects = await request.guild()
    configs, guild_id, actor_id = request.guild_configs, request.guild_id, request.actor_id
    channel = objects.channel(request.form.get("welcome_channel_id"))
    role = objects.role_of(request.form.get("auto_role_id"))
    config = await configs.get(guild_id)
    changed = (role.id if role else None) != config.auto_role_id
    who = (await request.actor() if role is not None and changed
           else ActorFacts(actor_id, False, 0, 0))
    if role is not None and changed:
        role_rule.check_configurable(role, who, objects.bot)

    async def write() -> None:
        await service.set_channel(configs, guild_id, channel, objects.channel_ids,
                                  actor_id=actor_id, source="web")
        if changed:
            await service.set_auto_role(configs, guild_id, role, who, objects.bot,
                                        source="web")

    return write


def server_fields() -> list[ServerFields]:
    """The welcome channel and join role inputs of the Server form."""
    return [ServerFields(NAME, SERVER_FIELDS, _load, _check)]
