"""Build interaction ``data`` for registered commands: options, subcommands, resolved objects."""

from __future__ import annotations

from typing import Any

from .payloads import member_json, role_json, user_json
from .permissions import channel_permissions
from .state import Channel, Command, Guild, Member, Role, User

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10


class Resolved:
    """Collects the ``resolved`` object of an interaction."""

    def __init__(self, guild: Guild | None) -> None:
        self.guild = guild
        self.data: dict[str, dict[str, Any]] = {}

    def _put(self, kind: str, key: int, value: dict[str, Any]) -> None:
        self.data.setdefault(kind, {})[str(key)] = value

    def user(self, user: User) -> str:
        """Resolve a user (and its member object inside a guild)."""
        self._put("users", user.id, user_json(user))
        member = self.guild.members.get(user.id) if self.guild else None
        if member is not None and self.guild is not None:
            data = member_json(member, with_user=False)
            data["permissions"] = str(channel_permissions(self.guild, None, member))
            self._put("members", user.id, data)
        return str(user.id)

    def role(self, role: Role) -> str:
        """Resolve a role."""
        self._put("roles", role.id, role_json(role))
        return str(role.id)

    def channel(self, channel: Channel, member: Member | None) -> str:
        """Resolve a channel (with the invoker's permissions)."""
        data: dict[str, Any] = {"id": str(channel.id), "name": channel.name, "type": channel.type}
        if channel.parent_id:
            data["parent_id"] = str(channel.parent_id)
        if self.guild is not None and member is not None:
            data["permissions"] = str(channel_permissions(self.guild, channel, member))
        self._put("channels", channel.id, data)
        return str(channel.id)


def _as_user(value: Any, users: dict[int, User]) -> User:
    if isinstance(value, Member):
        return value.user
    if isinstance(value, User):
        return value
    return users[int(value)]


def _value(
    opt_type: int,
    value: Any,
    resolved: Resolved,
    users: dict[int, User],
    channels: dict[int, Channel],
    invoker: Member | None,
) -> Any:
    if opt_type == STRING:
        return str(value)
    if opt_type == INTEGER:
        return int(value)
    if opt_type == NUMBER:
        return float(value)
    if opt_type == BOOLEAN:
        return bool(value)
    if opt_type == USER:
        return resolved.user(_as_user(value, users))
    if opt_type == ROLE:
        role = value if isinstance(value, Role) else resolved.guild.roles[int(value)]  # type: ignore[union-attr]
        return resolved.role(role)
    if opt_type == CHANNEL:
        chan = value if isinstance(value, Channel) else channels[int(value)]
        return resolved.channel(chan, invoker)
    if opt_type == MENTIONABLE:
        if isinstance(value, Role):
            return resolved.role(value)
        return resolved.user(_as_user(value, users))
    raise ValueError(f"option type {opt_type} is not supported by the double")


class InvalidInvocation(ValueError):
    """Option values Discord validates away before the bot ever sees the interaction."""


def check_option(schema: dict[str, Any], value: Any, channels: dict[int, Channel]) -> None:
    """Discord's checks of one option value: type, min/max value, min/max length, choices,
    channel types. Raises :class:`InvalidInvocation` naming the broken rule."""
    name, opt_type = schema["name"], int(schema["type"])

    def refuse(rule: str) -> InvalidInvocation:
        return InvalidInvocation(f"Discord would not send option {name!r}={value!r}: {rule}")

    if opt_type == INTEGER and (
        isinstance(value, bool) or not isinstance(value, int | str)
        or not str(value).lstrip("-").isdigit()
    ):
        raise refuse("not an integer")
    if opt_type == NUMBER and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise refuse("not a number")
    if opt_type == BOOLEAN and not isinstance(value, bool):
        raise refuse("not a boolean")
    if opt_type == STRING and not isinstance(value, str):
        raise refuse("not a string")
    if opt_type in (INTEGER, NUMBER):
        number = int(value) if opt_type == INTEGER else float(value)
        if schema.get("min_value") is not None and number < schema["min_value"]:
            raise refuse(f"below min_value {schema['min_value']}")
        if schema.get("max_value") is not None and number > schema["max_value"]:
            raise refuse(f"above max_value {schema['max_value']}")
    if opt_type == STRING:
        if len(value) < int(schema.get("min_length") or 0):
            raise refuse(f"shorter than min_length {schema['min_length']}")
        if schema.get("max_length") is not None and len(value) > schema["max_length"]:
            raise refuse(f"longer than max_length {schema['max_length']}")
        if len(value) > 6000:
            raise refuse("longer than 6000 characters")
    choices = schema.get("choices")
    if choices and opt_type in (STRING, INTEGER, NUMBER):
        allowed = [c["value"] for c in choices]
        typed = value if opt_type == STRING else float(value)
        if typed not in [a if opt_type == STRING else float(a) for a in allowed]:
            raise refuse(f"not one of the choices {allowed}")
    if opt_type == CHANNEL and schema.get("channel_types"):
        chan = value if isinstance(value, Channel) else channels.get(int(value))
        if chan is not None and chan.type not in schema["channel_types"]:
            raise refuse(f"channel type {chan.type} not in {schema['channel_types']}")


def build_options(
    schema: list[dict[str, Any]],
    values: dict[str, Any],
    resolved: Resolved,
    users: dict[int, User],
    channels: dict[int, Channel],
    invoker: Member | None,
    validate: bool = True,
) -> list[dict[str, Any]]:
    """Turn ``{name: value}`` into interaction options typed by the command's schema.

    With ``validate`` (not while typing into an autocomplete), values Discord's client would
    refuse to send raise :class:`InvalidInvocation` (see :func:`check_option`)."""
    by_name = {o["name"]: o for o in schema}
    out = []
    for name, value in values.items():
        if name not in by_name:
            raise ValueError(f"unknown option {name!r}; known: {sorted(by_name)}")
        opt_type = int(by_name[name]["type"])
        if validate:
            check_option(by_name[name], value, channels)
        out.append(
            {
                "name": name,
                "type": opt_type,
                "value": _value(opt_type, value, resolved, users, channels, invoker),
            }
        )
    missing = [o["name"] for o in schema if o.get("required") and o["name"] not in values]
    if missing:
        raise ValueError(f"missing required options: {missing}")
    return out


def slash_data(
    command: Command,
    path: list[str],
    values: dict[str, Any],
    guild: Guild | None,
    users: dict[int, User],
    channels: dict[int, Channel],
    invoker: Member | None,
    validate: bool = True,
) -> dict[str, Any]:
    """The ``data`` of a chat-input interaction for ``command`` and subcommand ``path``."""
    resolved = Resolved(guild)
    schema = list(command.data.get("options") or [])
    wrappers: list[dict[str, Any]] = []
    for part in path:
        sub = next(
            (
                o
                for o in schema
                if o["name"] == part and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
            ),
            None,
        )
        if sub is None:
            raise ValueError(f"{command.name!r} has no subcommand {part!r}")
        wrappers.append({"name": part, "type": sub["type"]})
        schema = list(sub.get("options") or [])
    options = build_options(schema, values, resolved, users, channels, invoker, validate)
    for wrapper in reversed(wrappers):
        wrapper["options"] = options
        options = [wrapper]
    data: dict[str, Any] = {
        "id": str(command.id),
        "name": command.name,
        "type": 1,
        "options": options,
    }
    if resolved.data:
        data["resolved"] = resolved.data
    if command.guild_id is not None:
        data["guild_id"] = str(command.guild_id)
    return data


def context_menu_data(command: Command, target_id: int, resolved: Resolved) -> dict[str, Any]:
    """The ``data`` of a user (type 2) or message (type 3) command interaction."""
    data: dict[str, Any] = {
        "id": str(command.id),
        "name": command.name,
        "type": command.type,
        "target_id": str(target_id),
        "resolved": resolved.data,
    }
    if command.guild_id is not None:
        data["guild_id"] = str(command.guild_id)
    return data
