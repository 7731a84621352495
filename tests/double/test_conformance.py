"""The double's REST answers conform to Discord's OpenAPI file, error answers included.

Every route the double implements is driven with a request that is itself valid against the
spec, and the status and body of the answer are validated against the operation's response
schema (compiled once per session by :mod:`core.testing.double.contract`). The coverage line
(implemented / documented / conformant) is printed in the terminal summary.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from core.testing.double import DiscordDouble
from core.testing.double.contract import contract, schema_errors
from core.testing.double.messaging import create_message
from core.testing.double.request_rules import check_request
from core.testing.double.rest import PREFIX, setup_rest
from core.testing.double.state import Ban, Command

from .coverage import RESULTS


@dataclass
class World:
    """The objects every case addresses."""

    double: DiscordDouble
    guild: int
    channel: int
    closed_channel: int
    dm_channel: int
    message: int
    own_message: int  # sent by the bot
    foreign_guild: int  # the bot is not a member
    member: int
    role: int
    banned: int
    other_guild: int
    command: int
    guild_command: int
    interaction: int
    token: str  # the answered interaction's token (its webhook routes)
    fresh_token: str  # the token of ``interaction``, not yet answered
    followup: int


@dataclass(frozen=True)
class Case:
    """One request and the status Discord answers it with."""

    name: str
    method: str
    route: str
    path: Callable[[World], str]
    status: int
    body: Callable[[World], Any] | None = None
    query: str = ""
    token: str | None = None  # None: the double's bot token


def _message(w: World) -> dict[str, Any]:
    return {
        "content": "hello",
        "embeds": [{"title": "t", "description": "d", "fields": [{"name": "n", "value": "v"}]}],
        "allowed_mentions": {"parse": []},
        "components": [
            {"type": 1, "components": [{"type": 2, "style": 1, "label": "ok", "custom_id": "b"}]}
        ],
    }


_CMD = {"name": "ping", "description": "Ping.", "type": 1}
_APP = "/applications/{application_id}"
_GAPP = _APP + "/guilds/{guild_id}"
_WH = "/webhooks/{webhook_id}/{webhook_token}"
_MSG = "/channels/{channel_id}/messages"
_M = "/guilds/{guild_id}/members/{user_id}"


def _app(w: World) -> str:
    return f"/applications/{w.double.application_id}"


def _gapp(w: World) -> str:
    return f"{_app(w)}/guilds/{w.guild}"


def _wh(w: World) -> str:
    return f"/webhooks/{w.double.application_id}/{w.token}"


CASES: list[Case] = [
    Case("me", "GET", "/users/@me", lambda w: "/users/@me", 200),
    Case("user", "GET", "/users/{user_id}", lambda w: f"/users/{w.member}", 200),
    Case("oauth2 app", "GET", "/oauth2/applications/@me",
         lambda w: "/oauth2/applications/@me", 200),
    Case("app", "GET", "/applications/@me", lambda w: "/applications/@me", 200),
    Case("gateway", "GET", "/gateway", lambda w: "/gateway", 200),
    Case("gateway bot", "GET", "/gateway/bot", lambda w: "/gateway/bot", 200),
    Case("commands", "GET", _APP + "/commands", lambda w: f"{_app(w)}/commands", 200),
    Case("bulk commands", "PUT", _APP + "/commands", lambda w: f"{_app(w)}/commands", 200,
         lambda w: [_CMD]),
    Case("create command", "POST", _APP + "/commands", lambda w: f"{_app(w)}/commands", 201,
         lambda w: {**_CMD, "name": "other"}),
    Case("command", "GET", _APP + "/commands/{command_id}",
         lambda w: f"{_app(w)}/commands/{w.command}", 200),
    Case("edit command", "PATCH", _APP + "/commands/{command_id}",
         lambda w: f"{_app(w)}/commands/{w.command}", 200, lambda w: {"description": "New."}),
    Case("delete command", "DELETE", _APP + "/commands/{command_id}",
         lambda w: f"{_app(w)}/commands/{w.command}", 204),
    Case("guild commands", "GET", _GAPP + "/commands", lambda w: f"{_gapp(w)}/commands", 200),
    Case("bulk guild commands", "PUT", _GAPP + "/commands", lambda w: f"{_gapp(w)}/commands",
         200, lambda w: [_CMD]),
    Case("create guild command", "POST", _GAPP + "/commands",
         lambda w: f"{_gapp(w)}/commands", 201, lambda w: {**_CMD, "name": "other"}),
    Case("guild command", "GET", _GAPP + "/commands/{command_id}",
         lambda w: f"{_gapp(w)}/commands/{w.guild_command}", 200),
    Case("edit guild command", "PATCH", _GAPP + "/commands/{command_id}",
         lambda w: f"{_gapp(w)}/commands/{w.guild_command}", 200,
         lambda w: {"description": "New."}),
    Case("delete guild command", "DELETE", _GAPP + "/commands/{command_id}",
         lambda w: f"{_gapp(w)}/commands/{w.guild_command}", 204),
    Case("channel", "GET", "/channels/{channel_id}", lambda w: f"/channels/{w.channel}", 200),
    Case("dm channel", "GET", "/channels/{channel_id}", lambda w: f"/channels/{w.dm_channel}",
         200),
    Case("messages", "GET", _MSG, lambda w: f"/channels/{w.channel}/messages", 200,
         query="?limit=50"),
    Case("send", "POST", _MSG, lambda w: f"/channels/{w.channel}/messages", 200, _message),
    Case("send dm", "POST", _MSG, lambda w: f"/channels/{w.dm_channel}/messages", 200,
         lambda w: {"content": "hi"}),
    Case("send with nonce", "POST", _MSG, lambda w: f"/channels/{w.channel}/messages", 200,
         lambda w: {"content": "once", "nonce": "conf1", "enforce_nonce": True}),
    Case("send nonce again", "POST", _MSG, lambda w: f"/channels/{w.channel}/messages", 200,
         lambda w: {"content": "once", "nonce": "conf1", "enforce_nonce": True}),
    Case("message", "GET", _MSG + "/{message_id}",
         lambda w: f"/channels/{w.channel}/messages/{w.message}", 200),
    Case("edit message", "PATCH", _MSG + "/{message_id}",
         lambda w: f"/channels/{w.channel}/messages/{w.own_message}", 200,
         lambda w: {"content": "edited", "embeds": []}),
    Case("delete message", "DELETE", _MSG + "/{message_id}",
         lambda w: f"/channels/{w.channel}/messages/{w.message}", 204),
    Case("typing", "POST", "/channels/{channel_id}/typing",
         lambda w: f"/channels/{w.channel}/typing", 204),
    Case("create dm", "POST", "/users/@me/channels", lambda w: "/users/@me/channels", 200,
         lambda w: {"recipient_id": str(w.member)}),
    Case("callback", "POST", "/interactions/{webhook_id}/{webhook_token}/callback",
         lambda w: f"/interactions/{w.interaction}/{w.fresh_token}/callback", 204,
         lambda w: {"type": 4, "data": {"content": "pong"}}),
    Case("followup", "POST", _WH, _wh, 200, lambda w: {"content": "more"}, query="?wait=true"),
    Case("original", "GET", _WH + "/messages/@original",
         lambda w: f"{_wh(w)}/messages/@original", 200),
    Case("edit original", "PATCH", _WH + "/messages/@original",
         lambda w: f"{_wh(w)}/messages/@original", 200, lambda w: {"content": "edited"}),
    Case("delete original", "DELETE", _WH + "/messages/@original",
         lambda w: f"{_wh(w)}/messages/@original", 204),
    Case("webhook message", "GET", _WH + "/messages/{message_id}",
         lambda w: f"{_wh(w)}/messages/{w.followup}", 200),
    Case("edit webhook message", "PATCH", _WH + "/messages/{message_id}",
         lambda w: f"{_wh(w)}/messages/{w.followup}", 200, lambda w: {"content": "edited"}),
    Case("delete webhook message", "DELETE", _WH + "/messages/{message_id}",
         lambda w: f"{_wh(w)}/messages/{w.followup}", 204),
    Case("guild", "GET", "/guilds/{guild_id}", lambda w: f"/guilds/{w.guild}", 200),
    Case("guild channels", "GET", "/guilds/{guild_id}/channels",
         lambda w: f"/guilds/{w.guild}/channels", 200),
    Case("roles", "GET", "/guilds/{guild_id}/roles", lambda w: f"/guilds/{w.guild}/roles", 200),
    Case("members", "GET", "/guilds/{guild_id}/members",
         lambda w: f"/guilds/{w.guild}/members", 200, query="?limit=100"),
    Case("edit me", "PATCH", "/guilds/{guild_id}/members/@me",
         lambda w: f"/guilds/{w.guild}/members/@me", 200, lambda w: {"nick": "bot"}),
    Case("member", "GET", _M, lambda w: f"/guilds/{w.guild}/members/{w.member}", 200),
    Case("edit member", "PATCH", _M, lambda w: f"/guilds/{w.guild}/members/{w.member}", 200,
         lambda w: {"nick": "al"}),
    Case("kick", "DELETE", _M, lambda w: f"/guilds/{w.guild}/members/{w.member}", 204),
    Case("add role", "PUT", _M + "/roles/{role_id}",
         lambda w: f"/guilds/{w.guild}/members/{w.member}/roles/{w.role}", 204),
    Case("remove role", "DELETE", _M + "/roles/{role_id}",
         lambda w: f"/guilds/{w.guild}/members/{w.member}/roles/{w.role}", 204),
    Case("bans", "GET", "/guilds/{guild_id}/bans", lambda w: f"/guilds/{w.guild}/bans", 200),
    Case("ban", "GET", "/guilds/{guild_id}/bans/{user_id}",
         lambda w: f"/guilds/{w.guild}/bans/{w.banned}", 200),
    Case("create ban", "PUT", "/guilds/{guild_id}/bans/{user_id}",
         lambda w: f"/guilds/{w.guild}/bans/{w.member}", 204,
         lambda w: {"delete_message_seconds": 0}),
    Case("unban", "DELETE", "/guilds/{guild_id}/bans/{user_id}",
         lambda w: f"/guilds/{w.guild}/bans/{w.banned}", 204),
    Case("my guilds", "GET", "/users/@me/guilds", lambda w: "/users/@me/guilds", 200),
    Case("leave", "DELETE", "/users/@me/guilds/{guild_id}",
         lambda w: f"/users/@me/guilds/{w.other_guild}", 204),
    # error answers
    Case("401 bad token", "GET", "/users/@me", lambda w: "/users/@me", 401, token="Bot nope"),
    Case("400 50035 content", "POST", _MSG, lambda w: f"/channels/{w.channel}/messages", 400,
         lambda w: {"content": "x" * 2001}),
    Case("400 50006 empty", "POST", _MSG, lambda w: f"/channels/{w.channel}/messages", 400,
         lambda w: {"content": ""}),
    Case("403 50013 send", "POST", _MSG, lambda w: f"/channels/{w.closed_channel}/messages", 403,
         lambda w: {"content": "hi"}),
    Case("403 50001 guild commands", "GET", _GAPP + "/commands",
         lambda w: f"{_app(w)}/guilds/{w.foreign_guild}/commands", 403),
    Case("404 10003 channel", "GET", "/channels/{channel_id}", lambda w: "/channels/1", 404),
    Case("404 10004 guild", "GET", "/guilds/{guild_id}", lambda w: "/guilds/1", 404),
    Case("404 10007 member", "GET", _M, lambda w: f"/guilds/{w.guild}/members/1", 404),
    Case("404 10008 message", "GET", _MSG + "/{message_id}",
         lambda w: f"/channels/{w.channel}/messages/1", 404),
    Case("404 10013 user", "GET", "/users/{user_id}", lambda w: "/users/1", 404),
    Case("404 10026 ban", "GET", "/guilds/{guild_id}/bans/{user_id}",
         lambda w: f"/guilds/{w.guild}/bans/{w.member}", 404),
    Case("404 10062 interaction", "POST", "/interactions/{webhook_id}/{webhook_token}/callback",
         lambda w: f"/interactions/1/{w.token}/callback", 404,
         lambda w: {"type": 4, "data": {"content": "pong"}}),
    Case("404 10063 command", "GET", _APP + "/commands/{command_id}",
         lambda w: f"{_app(w)}/commands/1", 404),
    Case("429 route", "POST", _MSG, lambda w: f"/channels/{w.channel}/messages", 429,
         lambda w: {"content": "hi"}),
    Case("429 global", "GET", "/users/@me", lambda w: "/users/@me", 429),
]


@pytest.fixture
async def world() -> AsyncIterator[World]:
    """A double holding one of everything the cases address."""
    async with DiscordDouble() as d:
        owner = d.create_user("owner")
        guild = d.create_guild("g", owner)
        other = d.create_guild("other", owner)
        alice = d.add_member(guild, "alice")
        banned = d.create_user("banned")
        role = d.create_role(guild, "r")
        channel = guild.text_channels[0]
        closed = d.create_channel(guild, "closed")
        d.set_overwrite(closed, d.bot_member(guild), deny=1 << 11)
        sent = await d.send_message(channel, alice, "first")
        dm = await d.send_dm(alice, "hello bot")
        own = create_message(d, channel, d.bot_user, {"content": "mine"})
        foreign = d.create_guild("foreign", owner, with_bot=False)
        cmd = {"name": "ping", "description": "Ping.", "type": 1}
        guild.bans[banned.id] = Ban(banned, "spam")
        command = Command(d.ids.next(), d.application_id, None, dict(cmd), d.ids.next())
        guild_command = Command(d.ids.next(), d.application_id, guild.id, dict(cmd), d.ids.next())
        d.world.commands[command.id] = command
        d.world.commands[guild_command.id] = guild_command
        handle = d.interactions.create(
            type=2, data={"id": str(command.id), "name": "ping", "type": 1},
            guild=guild, channel=channel, user=alice.user,
        )
        d.interactions.callback(handle, {"type": 4, "data": {"content": "pong"}})
        follow = d.interactions.followup(handle, {"content": "more"})
        fresh = d.interactions.create(
            type=2, data={"id": str(command.id), "name": "ping", "type": 1},
            guild=guild, channel=channel, user=alice.user,
        )
        yield World(
            d, guild.id, channel.id, closed.id, dm.channel_id, sent.id, own.id, foreign.id,
            alice.id, role.id,
            banned.id, other.id, command.id, guild_command.id, fresh.id, handle.token,
            fresh.token, follow.id,
        )


def _explain(error: Any) -> str:
    from jsonschema.exceptions import best_match

    if error.context:
        error = best_match(error.context)
    return f"{'/'.join(map(str, error.absolute_path))}: {error.message[:160]}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_answer_conforms(world: World, case: Case) -> None:
    """The answer's status is documented and its body validates against the schema."""
    w = world
    op = contract().operation(case.method, case.route)
    assert op is not None, f"{case.method} {case.route} is not documented by Discord"
    body = case.body(w) if case.body else None
    if case.status < 400 or case.status == 429:
        check_request(case.method, case.route, body, {})  # our request is valid first
    if case.name == "429 route":
        w.double.faults.rate_limit(case.route, case.method)
    if case.name == "429 global":
        w.double.faults.rate_limit(None, None, is_global=True, scope="global")
    path = case.path(w)
    headers = {"Authorization": case.token or f"Bot {w.double.token}"}
    async with aiohttp.ClientSession() as http:
        async with http.request(
            case.method, f"{w.double.api_base}{path}{case.query}", json=body, headers=headers
        ) as resp:
            status = resp.status
            payload = await resp.json() if resp.content_length != 0 and status != 204 else None
    problems: list[str] = []
    if status != case.status:
        problems.append(f"status {status}, expected {case.status}: {payload}")
    elif op.response_key(status) is None:
        problems.append(f"status {status} is not documented for {op.operation_id}")
    else:
        validator = op.response_validator(status)
        if validator is None and payload is not None:
            problems.append("a body where the spec documents none")
        elif validator is not None:
            problems += [_explain(e) for e in schema_errors(validator, payload)]
    RESULTS[(case.method, case.route, case.name)] = not problems
    assert not problems, f"{op.operation_id}: " + "; ".join(problems)


def test_every_route_is_driven_and_documented() -> None:
    """Each REST route the double serves is documented by Discord and covered by a case."""
    app = web.Application()
    setup_rest(app, DiscordDouble())
    served = {
        (r.method, r.resource.canonical[len(PREFIX) :])
        for r in app.router.routes()
        if r.resource is not None and r.resource.canonical.startswith(PREFIX + "/")
        and r.method != "HEAD"
    }
    undocumented = {s for s in served if contract().operation(*s) is None}
    assert undocumented == {("POST", "/oauth2/token")}  # OAuth2 token exchange: not in the file
    driven = {(c.method, c.route) for c in CASES}
    assert served - undocumented - driven == set()
