"""Objects the double dispatches carry every field Discord's spec requires for the same object.

A real disnake bot runs through the double (guilds, a member joining, a message, a slash
command with user, role and channel options); every payload the gateway sent is then
validated against the spec's component schema of each object it carries.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import disnake
from disnake.ext import commands

from core.testing.double import DiscordDouble, RunningClient, bot_intents
from core.testing.double.contract import contract, schema_errors

StartBot = Callable[..., Awaitable[RunningClient]]

# Discord's gateway documentation: these objects are partial by design where they are nested
GATEWAY_PARTIAL = {
    # GUILD_CREATE channels and threads "lack guild_id" (the guild is the parent object)
    ("GUILD_CREATE", "channels"): {"guild_id"},
    # MESSAGE_CREATE's member and mentions[].member are partial: no user (it is the author)
    ("MESSAGE_CREATE", "member"): {"user"},
    ("MESSAGE_CREATE", "mentions.member"): {"user"},
    # resolved members in an interaction carry no user (it is in resolved.users)
    ("INTERACTION_CREATE", "resolved.members"): {"user"},
}


def _validator(schema: str) -> Any:
    from jsonschema import Draft202012Validator

    ref = {"$ref": f"urn:discord:openapi#/components/schemas/{schema}"}
    return Draft202012Validator(ref, registry=contract().registry)


def _objects(event: str, d: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """``(where, schema, object)`` for every object of a dispatch we check."""
    if event == "READY":
        yield "user", "UserResponse", d["user"]
    elif event == "GUILD_CREATE":
        yield "guild", "GuildResponse", d
        for channel in d["channels"]:
            yield "channels", "GuildChannelResponse", channel
        for role in d["roles"]:
            yield "roles", "GuildRoleResponse", role
        for member in d.get("members", []):
            yield "members", "GuildMemberResponse", member
    elif event == "GUILD_MEMBER_ADD":
        yield "member", "GuildMemberResponse", d
    elif event == "MESSAGE_CREATE":
        yield "message", "MessageResponse", d
        if "member" in d:
            yield "member", "GuildMemberResponse", d["member"]
        for mention in d["mentions"]:
            yield "mentions", "UserResponse", mention
            if "member" in mention:
                yield "mentions.member", "GuildMemberResponse", mention["member"]
    elif event == "INTERACTION_CREATE":
        yield "member", "GuildMemberResponse", d["member"]
        yield "channel", "GuildChannelResponse", d["channel"]
        resolved = d.get("data", {}).get("resolved", {})
        for user in resolved.get("users", {}).values():
            yield "resolved.users", "UserResponse", user
        for member in resolved.get("members", {}).values():
            yield "resolved.members", "GuildMemberResponse", member
        for role in resolved.get("roles", {}).values():
            yield "resolved.roles", "GuildRoleResponse", role


def _problems(event: str, where: str, schema: str, obj: Any) -> list[str]:
    partial = GATEWAY_PARTIAL.get((event, where), set())
    problems = []
    for error in schema_errors(_validator(schema), obj):
        if error.validator == "required" and not set(error.path):
            missing = {name for name in error.validator_value if name not in obj}
            if missing <= partial:
                continue
        problems.append(f"{event} {where} ({schema}): {error.message} at {list(error.path)}")
    return problems


def _bot() -> commands.InteractionBot:
    bot = commands.InteractionBot(intents=bot_intents())

    @bot.slash_command(description="Show who.")
    async def who(
        inter: disnake.ApplicationCommandInteraction,
        user: disnake.Member,
        role: disnake.Role,
        channel: disnake.TextChannel,
    ) -> None:
        await inter.response.send_message(f"{user.id} {role.id} {channel.id}")

    return bot


async def test_dispatched_objects_carry_every_required_field(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    guild = double.create_guild("shapes", shard=0)
    role = double.create_role(guild, "helpers")
    alice = double.add_member(guild, "alice", roles=[role])
    await start_bot(_bot(), double)
    bob = await double.member_join(guild, "bob")
    channel = guild.text_channels[0]
    await double.send_message(channel, alice, f"hi <@{bob.user.id}>")
    handle = await double.invoke_slash(
        guild, channel, alice, "who", {"user": bob, "role": role, "channel": channel}
    )
    await handle.wait_response(timeout=30)

    payloads = [p for s in double.gateway.sessions.values() for p in s.buffer if p["op"] == 0]
    seen: dict[str, int] = {}
    problems: list[str] = []
    for payload in payloads:
        for where, schema, obj in _objects(payload["t"], payload["d"]):
            seen[f"{payload['t']} {where}"] = seen.get(f"{payload['t']} {where}", 0) + 1
            problems += _problems(payload["t"], where, schema, obj)

    assert problems == [], "\n".join(problems[:30])
    expected = {
        "READY user", "GUILD_CREATE guild", "GUILD_CREATE channels", "GUILD_CREATE roles",
        "GUILD_CREATE members", "GUILD_MEMBER_ADD member", "MESSAGE_CREATE message",
        "MESSAGE_CREATE member", "MESSAGE_CREATE mentions", "INTERACTION_CREATE member",
        "INTERACTION_CREATE channel", "INTERACTION_CREATE resolved.users",
        "INTERACTION_CREATE resolved.members", "INTERACTION_CREATE resolved.roles",
    }
    assert expected <= set(seen), sorted(expected - set(seen))
