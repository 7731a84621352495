"""JSON builders producing Discord API v10 shaped payloads from the world model."""

from __future__ import annotations

from typing import Any

from .permissions import channel_permissions
from .state import DM_CHANNEL, Channel, Command, Guild, Member, Message, Role, User


def user_json(user: User) -> dict[str, Any]:
    """A user object."""
    return {
        "id": str(user.id),
        "username": user.username,
        "global_name": user.global_name,
        "discriminator": "0",
        "avatar": user.avatar,
        "bot": user.bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "primary_guild": None,
    }


def role_json(role: Role) -> dict[str, Any]:
    """A role object (with the ``colors`` object disnake 2.12 requires)."""
    data: dict[str, Any] = {
        "id": str(role.id),
        "name": role.name,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": role.hoist,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": role.managed,
        "mentionable": role.mentionable,
        "flags": 0,
    }
    if role.bot_id is not None:
        data["tags"] = {"bot_id": str(role.bot_id)}
    return data


def member_json(member: Member, *, with_user: bool = True) -> dict[str, Any]:
    """A guild member object."""
    data: dict[str, Any] = {
        "roles": [str(r) for r in member.roles],
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "joined_at": member.joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": member.pending,
        "flags": 0,
        "communication_disabled_until": member.communication_disabled_until,
    }
    if with_user:
        data["user"] = user_json(member.user)
    return data


def channel_json(channel: Channel, users: dict[int, User] | None = None) -> dict[str, Any]:
    """A channel object (guild channel or DM)."""
    if channel.type == DM_CHANNEL:
        recipients = [user_json(users[u]) for u in channel.recipient_ids if users and u in users]
        return {
            "id": str(channel.id),
            "type": DM_CHANNEL,
            "last_message_id": _opt_id(channel.last_message_id),
            "recipients": recipients,
            "flags": 0,
        }
    return {
        "id": str(channel.id),
        "type": channel.type,
        "guild_id": _opt_id(channel.guild_id),
        "name": channel.name,
        "position": channel.position,
        "permission_overwrites": [
            {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
            for o in channel.overwrites
        ],
        "topic": channel.topic,
        "nsfw": channel.nsfw,
        "parent_id": _opt_id(channel.parent_id),
        "last_message_id": _opt_id(channel.last_message_id),
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def guild_json(guild: Guild) -> dict[str, Any]:
    """A REST guild object (roles included, no channels/members)."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": guild.icon,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role_json(r) for r in guild.roles.values()],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": guild.preferred_locale,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "home_header": None,
        "application_id": None,
        "region": "deprecated",
        "widget_enabled": False,
        "widget_channel_id": None,
        "max_presences": None,
        "max_stage_video_channel_users": 50,
        "nsfw": False,
        "incidents_data": None,
        "approximate_member_count": len(guild.members),
        "approximate_presence_count": 0,
    }


def guild_create_json(
    guild: Guild, *, include_members: bool, bot_id: int, available: bool
) -> dict[str, Any]:
    """A gateway GUILD_CREATE payload with channels, members and member_count."""
    data = guild_json(guild)
    members = [m for m in guild.members.values() if include_members or m.id == bot_id]
    data.update(
        {
            "joined_at": guild.members[bot_id].joined_at if bot_id in guild.members else None,
            "large": len(guild.members) >= 250,
            "member_count": len(guild.members),
            "voice_states": [],
            "members": [member_json(m) for m in members],
            "channels": [channel_json(c) for c in guild.channels.values()],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }
    )
    if available:
        data["unavailable"] = False
    return data


def message_json(msg: Message, guild: Guild | None) -> dict[str, Any]:
    """A message object; guild messages by members carry a partial ``member``."""
    data: dict[str, Any] = {
        "id": str(msg.id),
        "channel_id": str(msg.channel_id),
        "author": user_json(msg.author),
        "content": msg.content,
        "timestamp": msg.timestamp,
        "edited_timestamp": msg.edited_timestamp,
        "tts": msg.tts,
        "mention_everyone": "@everyone" in msg.content,
        "mentions": [],
        "mention_roles": [],
        "attachments": msg.attachments,
        "embeds": [_embed_json(e) for e in msg.embeds],
        "reactions": [],
        "pinned": False,
        "type": msg.type,
        "flags": msg.flags,
        "components": components_json(msg.components),
    }
    if msg.guild_id is not None:
        data["guild_id"] = str(msg.guild_id)
    if msg.webhook_id is not None:
        data["webhook_id"] = str(msg.webhook_id)
    if msg.application_id is not None:
        data["application_id"] = str(msg.application_id)
    if msg.message_reference is not None:
        data["message_reference"] = msg.message_reference
    if msg.interaction is not None:
        data["interaction_metadata"] = msg.interaction
    if msg.nonce is not None:
        data["nonce"] = msg.nonce
    if guild is not None:
        _add_mentions(data, msg, guild)
        member = guild.members.get(msg.author.id)
        if member is not None and msg.webhook_id is None:
            data["member"] = member_json(member, with_user=False)
    return data


def rest_message_json(msg: Message, guild: Guild | None) -> dict[str, Any]:
    """A message object as REST answers it: no gateway-only ``guild_id``/``member`` fields."""
    data = message_json(msg, guild)
    data.pop("guild_id", None)
    data.pop("member", None)
    for mention in data["mentions"]:
        mention.pop("member", None)
    return data


def _embed_json(embed: Any) -> Any:
    """An embed as Discord stores it: ``type`` defaults to rich, fields carry ``inline``."""
    if not isinstance(embed, dict):
        return embed
    data = {"type": "rich", **embed}
    if isinstance(data.get("fields"), list):
        data["fields"] = [
            {"inline": False, **f} if isinstance(f, dict) else f for f in data["fields"]
        ]
    return data


def components_json(components: Any) -> Any:
    """Components as Discord answers them: each has a numeric ``id`` (1, 2, ... in order)."""
    if not isinstance(components, list):
        return components
    counter = iter(range(1, 1_000_000))
    taken = set(_ids_in(components))

    def number(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        data = dict(node)
        if "id" not in data:
            data["id"] = next(i for i in counter if i not in taken)
        for key in ("components", "accessory", "items"):
            if isinstance(data.get(key), list):
                data[key] = [number(c) for c in data[key]]
            elif isinstance(data.get(key), dict):
                data[key] = number(data[key])
        return data

    return [number(c) for c in components]


def _ids_in(nodes: Any) -> list[int]:
    found: list[int] = []
    for node in nodes if isinstance(nodes, list) else [nodes]:
        if isinstance(node, dict):
            if isinstance(node.get("id"), int):
                found.append(node["id"])
            for key in ("components", "accessory", "items"):
                if key in node:
                    found += _ids_in(node[key])
    return found


def _add_mentions(data: dict[str, Any], msg: Message, guild: Guild) -> None:
    for member in guild.members.values():
        if f"<@{member.id}>" in msg.content or f"<@!{member.id}>" in msg.content:
            mention = user_json(member.user)
            mention["member"] = member_json(member, with_user=False)
            data["mentions"].append(mention)
    data["mention_roles"] = [str(r) for r in guild.roles if f"<@&{r}>" in msg.content]


def command_json(cmd: Command) -> dict[str, Any]:
    """An application command object as the API returns it."""
    data: dict[str, Any] = {
        "type": 1,
        "description": "",
        "options": [],
        "default_member_permissions": None,
        "nsfw": False,
        **cmd.data,
        "id": str(cmd.id),
        "application_id": str(cmd.application_id),
        "version": str(cmd.version),
    }
    if cmd.guild_id is not None:
        data["guild_id"] = str(cmd.guild_id)
    return data


def interaction_member_json(guild: Guild, member: Member, channel: Channel | None) -> dict:
    """The ``member`` object of an interaction, with computed ``permissions``."""
    data = member_json(member)
    data["permissions"] = str(channel_permissions(guild, channel, member))
    return data


def interaction_channel_json(channel: Channel, guild: Guild | None, member: Member | None) -> dict:
    """The partial ``channel`` object of an interaction (with the invoker's permissions)."""
    data = channel_json(channel)
    if guild is not None and member is not None:
        data["permissions"] = str(channel_permissions(guild, channel, member))
    return data


def app_permissions(guild: Guild | None, channel: Channel | None, bot_id: int) -> str:
    """The bot's permissions in the channel, as a string (``app_permissions``)."""
    if guild is None or bot_id not in guild.members:
        return "0"
    return str(channel_permissions(guild, channel, guild.members[bot_id]))


def _opt_id(value: int | None) -> str | None:
    return None if value is None else str(value)
