"""Hostile input for the security suite: a world to attack, option values, output checks.

:func:`registered_commands` enumerates every slash command (and subcommand) the bot
registered in the double, with its option schema as Discord holds it. :func:`options_for`
draws values for that schema the way a member could send them: Discord enforces the
declared types, choices, ``min/max_value`` and ``min/max_length``; everything else is up
to the member (6,000 characters, any unicode, mention syntax, format fields, SQL).
:func:`output_problems` lists what must never appear in anything the bot showed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from core.bot.guildhall_bot import GuildhallBot
from core.db.models import GuildConfig
from core.testing.bot_fixtures import eventually, mention_problems
from core.testing.double import DiscordDouble
from core.testing.double import permissions as P
from core.testing.double.interactions import InteractionReply
from core.testing.double.invoke import (
    BOOLEAN,
    CHANNEL,
    INTEGER,
    MENTIONABLE,
    NUMBER,
    ROLE,
    STRING,
    SUB_COMMAND,
    SUB_COMMAND_GROUP,
    USER,
)
from core.testing.double.state import Guild, Member, Role, User
from core.testing.sandbox.world import DemoWorld
from tests.helpers import UNHANDLED_ERROR

TIMEOUT = 60.0  # generous: a busy CI machine; the clock is never the subject here
DISCORD_MAX_STRING = 6000  # Discord's own limit for a string option
DISCORD_MAX_INT = 2**53  # Discord's integer option range
SQL = "'; DROP TABLE users; --"
FORMAT_FIELDS = ("{user.__class__}", "{0.__init__}", "{user.__init__.__globals__}",
                 "{0!r:>{1}}", "%s%n%(x)s", "${7*7}", "{{user}}")
# Signs of Python objects or errors leaking into a message.
INTERNALS = re.compile(
    r"<(?:class|function|bound method|module|coroutine|built-in) |object at 0x[0-9a-f]+|"
    r"Traceback \(most recent call last\)|\b(?:[A-Z][a-zA-Z]*Error|Exception)\(|"
    r"'__(?:name|builtins|doc)__': |tortoise\.|asyncpg\.|sqlite3\."
)
MOD_PERMISSIONS = P.DEFAULT_EVERYONE | P.KICK_MEMBERS | P.BAN_MEMBERS | P.MODERATE_MEMBERS


def fuzz_settings(default_examples: int) -> settings:
    """Deterministic hypothesis settings; ``GUILDHALL_FUZZ_EXAMPLES`` overrides the count."""
    return settings(
        max_examples=int(os.environ.get("GUILDHALL_FUZZ_EXAMPLES", default_examples)),
        deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.data_too_large],
    )


def hostile_texts(role_ids: list[int]) -> st.SearchStrategy[str]:
    """Short hostile fragments: mass and role mentions, format fields, SQL, odd unicode."""
    fixed = ["@everyone", "@here", "@\u200beveryone", SQL, "`", "```", "*_~|>", "\u202e",
             "\U0001f642", "\ufdfd", "a\u0301", " ", "\n", "\\", "\x00", "<@0>", "<#0>",
             "</ping:0>", "<t:99999999999999:R>", *FORMAT_FIELDS]
    fixed += [f"<@&{role_id}>" for role_id in role_ids]
    return st.sampled_from(fixed)


def hostile_strings(role_ids: list[int], max_size: int = DISCORD_MAX_STRING,
                    min_size: int = 0) -> st.SearchStrategy[str]:
    """A string a member could type into an option of at most ``max_size`` characters."""
    piece = st.one_of(hostile_texts(role_ids), st.text(max_size=12))
    joined = st.lists(piece, max_size=6).map("".join)
    huge = st.builds(lambda n, s: (s * n)[:n], st.integers(2001, DISCORD_MAX_STRING),
                     hostile_texts(role_ids))
    return st.one_of(joined, joined, joined, huge).map(
        lambda s: s[:max_size]
    ).filter(lambda s: len(s) >= min_size)


class HostileWorld:
    """The demo world plus a moderator, a stranger from the annex and a role to ping."""

    def __init__(self, double: DiscordDouble, demo: DemoWorld, bot: GuildhallBot,
                 mod_role: Role, mod: Member, stranger: Member) -> None:
        self.double, self.demo, self.bot = double, demo, bot
        self.mod_role, self.mod, self.stranger = mod_role, mod, stranger

    def __repr__(self) -> str:
        return "HostileWorld(demo guild, owner, admin, mod, alice, bob, carol, stranger)"

    @property
    def guild(self) -> Guild:
        """The demo guild (every command runs here)."""
        return self.demo.guild

    def owner(self) -> Member:
        """The demo guild's owner."""
        return self.guild.members[self.guild.owner_id]

    def invokers(self) -> list[Member]:
        """Who may invoke: the owner, an admin, a moderator and plain members."""
        return [self.owner(), self.demo.admin, self.mod, *self.demo.members.values()]

    def targets(self) -> list[User]:
        """Users a member may name: members, the owner, the bot, a stranger."""
        users = [m.user for m in self.invokers()]
        return users + [self.double.bot_user, self.stranger.user]

    def restore(self) -> None:
        """Undo kicks and bans so every invoker is a member again (between examples)."""
        for member in [*self.invokers()]:
            self.guild.bans.pop(member.id, None)
            if member.id not in self.guild.members:
                self.double.add_member(self.guild, member.user, roles=member.roles)
            member.communication_disabled_until = None

    def role_ids(self) -> list[int]:
        """Roles worth pinging: @everyone (the guild id), Admin, Moderator."""
        return [self.guild.id, self.demo.admin_role.id, self.mod_role.id]


async def build_hostile_world(
    double: DiscordDouble, demo: DemoWorld, start_bot: Any
) -> HostileWorld:
    """Add a moderator and a stranger (annex only), then start the bot."""
    role = double.create_role(demo.guild, "Moderator", permissions=MOD_PERMISSIONS)
    mod = double.add_member(demo.guild, "mod", roles=[role])
    stranger = double.add_member(demo.annex, "stranger")
    bot = await start_bot()
    await double.wait_for_command("ping", timeout=TIMEOUT)
    # the shards' start-up warm creates every guild's settings row in the background; wait
    # for it so "nothing written" snapshots never race it
    guild_ids = [demo.guild.id, demo.annex.id]
    await eventually(
        _settings_rows_stored(guild_ids), timeout=TIMEOUT,
        message="the start-up warm never stored the guilds' settings",
    )
    return HostileWorld(double, demo, bot, role, mod, stranger)


def _settings_rows_stored(guild_ids: list[int]) -> Callable[[], Awaitable[bool]]:
    """A check for :func:`eventually`: every guild in ``guild_ids`` has its settings row."""

    async def check() -> bool:
        return await GuildConfig.filter(guild_id__in=guild_ids).count() == len(guild_ids)
    return check


@pytest.fixture
async def hostile_world(
    guildhall_double: DiscordDouble, guildhall_demo: DemoWorld, guildhall_start_bot: Any
) -> HostileWorld:
    """A started bot (all plugins) in the demo world with a moderator and a stranger."""
    return await build_hostile_world(guildhall_double, guildhall_demo, guildhall_start_bot)


@dataclass(frozen=True)
class SlashCommand:
    """One invocable slash command path (``"customcmd create"``) and its options."""

    name: str
    options: tuple[dict[str, Any], ...]


def registered_commands(double: DiscordDouble, guild: Guild) -> list[SlashCommand]:
    """Every chat-input command path registered (global and ``guild``'s), sorted by name."""
    found: list[SlashCommand] = []

    def walk(prefix: str, schema: list[dict[str, Any]]) -> None:
        subs = [o for o in schema if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        if not subs:
            found.append(SlashCommand(prefix, tuple(schema)))
        for sub in subs:
            walk(f"{prefix} {sub['name']}", list(sub.get("options") or []))

    seen: set[str] = set()
    for scope in (guild.id, None):
        for command in double.world.commands_for(double.application_id, scope):
            if command.type == 1 and command.name not in seen:
                seen.add(command.name)
                walk(command.name, list(command.data.get("options") or []))
    return sorted(found, key=lambda c: c.name)


def _value(world: HostileWorld, option: dict[str, Any]) -> st.SearchStrategy[Any]:
    kind = option["type"]
    if option.get("choices"):
        return st.sampled_from([c["value"] for c in option["choices"]])
    if kind == STRING:
        return hostile_strings(world.role_ids(), int(option.get("max_length", DISCORD_MAX_STRING)),
                               int(option.get("min_length", 0)))
    if kind in (INTEGER, NUMBER):
        low = option.get("min_value", -DISCORD_MAX_INT)
        high = option.get("max_value", DISCORD_MAX_INT)
        edges = st.sampled_from([v for v in (low, high, 0, 1, -1, 2**31, 2**63 - 1)
                                 if low <= v <= high])
        if kind == INTEGER:
            return st.one_of(edges, st.integers(int(low), int(high)))
        return st.one_of(edges, st.floats(float(low), float(high), allow_nan=False))
    if kind == BOOLEAN:
        return st.booleans()
    if kind == USER:
        return st.sampled_from(world.targets())
    if kind == ROLE:
        return st.sampled_from(list(world.guild.roles.values()))
    if kind == MENTIONABLE:
        return st.sampled_from([*world.targets(), *world.guild.roles.values()])
    if kind == CHANNEL:
        types = option.get("channel_types")
        channels = [c for c in world.guild.channels.values() if not types or c.type in types]
        return st.sampled_from(channels)
    raise AssertionError(f"option type {kind} of {option['name']!r} has no strategy")


@st.composite
def options_for(draw: st.DrawFn, world: HostileWorld,
                command: SlashCommand) -> dict[str, Any]:
    """Values for ``command``'s options: every required one, each optional one maybe."""
    values: dict[str, Any] = {}
    for option in command.options:
        if option.get("required") or draw(st.booleans()):
            values[option["name"]] = draw(_value(world, option))
    return values


def shown_texts(reply: InteractionReply) -> list[str]:
    """The content and every embed text of a reply."""
    texts = [reply.content]
    for embed in reply.embeds:
        texts += [str(embed.get(k, "")) for k in ("title", "description")]
        texts += [str(embed.get("footer", {}).get("text", ""))]
        for fld in embed.get("fields", []):
            texts += [str(fld.get("name", "")), str(fld.get("value", ""))]
    return texts


def output_problems(texts: list[str], typed: list[str]) -> list[str]:
    """Internals or a generic failure in what the bot showed (``typed``: the user's input,
    which may be echoed verbatim and so is removed before the check)."""
    problems = []
    for text in texts:
        clean = text
        for value in sorted(typed, key=len, reverse=True):
            if value:
                clean = clean.replace(value, "")
        if UNHANDLED_ERROR in clean:
            problems.append(f"unhandled exception: {text[:200]!r}")
        match = INTERNALS.search(clean)
        if match:
            problems.append(f"Python internals {match.group(0)!r} in {text[:200]!r}")
    return problems


def mass_mention_problems(double: DiscordDouble) -> list[str]:
    """Unsafe ``allowed_mentions`` in anything the bot sent so far."""
    return mention_problems(double)[1]
