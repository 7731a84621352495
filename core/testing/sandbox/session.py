"""A running sandbox: the Discord double, the demo world and a real 2 x 2 cluster.

The double runs in this process; the bot runs as two worker processes of two shards
each under the cluster supervisor, exactly as ``guildhall run`` starts them.
"""

from __future__ import annotations

import shutil
from typing import Any

import disnake
from pydantic import SecretStr

from cluster.supervisor import Supervisor
from core.bot.guildhall_bot import GuildhallBot
from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.runtime.config import DiscordSettings, Settings
from core.testing.double import DiscordDouble
from core.testing.double.invoke import BOOLEAN, CHANNEL, MENTIONABLE, USER
from core.testing.double.state import Member
from core.testing.sandbox.catalog import Catalog, command_catalog, listing
from core.testing.sandbox.cluster import SHARDS_PER_WORKER, WORKERS, sandbox_cluster, sandbox_plan
from core.testing.sandbox.replies import ReplyFeed
from core.testing.sandbox.slash_line import SlashLineError
from core.testing.sandbox.slash_line import split_slash as read_slash
from core.testing.sandbox.world import (
    DemoWorld,
    add_german_member,
    add_moderator,
    build_demo_world,
)

SANDBOX_DOUBLE: dict[str, Any] = {
    "shard_count": WORKERS * SHARDS_PER_WORKER,
    "heartbeat_interval_ms": 5000,
    "identify_window": 0.05,
}
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}


class SandboxError(Exception):
    """A sandbox input cannot be acted on (unknown member, command or option)."""


class GroupTyped(SandboxError):
    """A command group was typed without a subcommand; the message lists them."""


def settings_for_double(settings: Settings, double: DiscordDouble) -> Settings:
    """``settings`` with a default ``[discord]`` section aimed at ``double``.

    Everything else (database, plugins, bot) is kept; a configured real token, API base
    or test guilds are ignored, so nothing ever reaches Discord.
    """
    discord = DiscordSettings(api_base=double.api_base, token=SecretStr(double.token))
    return settings.model_copy(update={"discord": discord})


def split_slash(
    line: str, catalog: Catalog | None = None
) -> tuple[str, dict[str, str]]:
    """``/warn member=@bob reason=spamming links`` -> ``("warn", {"member": "@bob",
    "reason": "spamming links"})`` (rules: :mod:`core.testing.sandbox.slash_line`)."""

    def option_names(path: str) -> set[str] | None:
        entry = catalog.get(path) if catalog is not None else None
        return {o.name for o in entry.options} if entry is not None else None

    try:
        return read_slash(line, option_names)
    except SlashLineError as exc:
        raise SandboxError(f"cannot read {line!r}: {exc}") from None


class Sandbox:
    """Start with ``async with Sandbox(runtime) as sandbox``; act with :meth:`act`."""

    def __init__(self, runtime: Runtime, *, verbose: bool = False,
                 config_path: str | None = None, start_timeout: float = 60.0) -> None:
        self.runtime = runtime
        self.double = DiscordDouble(**SANDBOX_DOUBLE)
        self.world: DemoWorld | None = None
        self.feed = ReplyFeed(self.double)
        self.supervisor: Supervisor | None = None
        self.verbose = verbose
        self.config_path = config_path
        self.start_timeout = start_timeout
        self._previous_base = disnake.http.Route.BASE

    async def __aenter__(self) -> Sandbox:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Migrate, start the double, reset the demo guilds, start the workers (all ready)."""
        await self.runtime.upgrade()
        await self.runtime.open_database()
        await self.double.start()
        self.world = build_demo_world(self.double)
        add_moderator(self.double, self.world)
        add_german_member(self.double, self.world)
        purger = GuildhallBot(settings_for_double(self.runtime.settings, self.double),
                              self.runtime.plugins)
        for guild_id in self.world.guild_ids:  # each run starts from a clean demo guild
            await purger.purge_guild(guild_id)
        settings, env = sandbox_cluster(self.runtime.settings, self.double, self.verbose)
        self.supervisor = Supervisor(settings, sandbox_plan(), config_path=self.config_path,
                                     env=env)
        await self.supervisor.start()
        await self.supervisor.wait_ready(self.start_timeout)
        self.feed = ReplyFeed(self.double)

    async def stop(self) -> None:
        """Stop the workers (flushing their buffers), the double and the database."""
        try:
            if self.supervisor is not None:
                await self.supervisor.stop()
                shutil.rmtree(self.supervisor.settings.cluster.status_directory, True)
                self.supervisor = None
            await self.double.close()
        finally:
            await close_database()
            disnake.http.Route.BASE = self._previous_base

    @property
    def demo(self) -> DemoWorld:
        """The demo world (available once started)."""
        if self.world is None:
            raise RuntimeError("the sandbox is not started")
        return self.world

    def person(self, name: str) -> Member:
        """The demo member called ``name``."""
        try:
            return self.demo.person(name)
        except KeyError as exc:
            raise SandboxError(str(exc.args[0])) from None

    async def act(self, name: str, line: str) -> None:
        """As member ``name``: invoke ``/command opt=value`` or post ``line`` in #general."""
        member = self.person(name)
        demo = self.demo
        if not line.startswith("/"):
            await self.double.send_message(demo.general, member, line)
            return
        catalog = self.catalog()
        path, raw = split_slash(line, catalog)
        entry = catalog.get(path)
        if entry is not None and entry.is_group:
            raise GroupTyped(f"/{path} needs a subcommand:\n" + "\n".join(
                "  " + usage for usage in listing(catalog, path)))
        options = {key: self._option(path, key, value) for key, value in raw.items()}
        try:
            handle = await self.double.invoke_slash(
                demo.guild, demo.general, member, path, options, register_timeout=2.0
            )
        except (LookupError, ValueError) as exc:
            raise SandboxError(f"/{path}: {exc}") from None
        self.feed.track(handle)

    def _option(self, path: str, key: str, value: str) -> Any:
        """Turn typed text into what the option needs: @member, #channel, true/false."""
        kind = self._option_type(path, key)
        if kind in (USER, MENTIONABLE) and value.startswith("@"):
            return self.person(value[1:])
        if kind == CHANNEL and value.startswith("#"):
            for channel in self.demo.guild.channels.values():
                if channel.name == value[1:]:
                    return channel
            raise SandboxError(f"no channel {value} in {self.demo.guild.name}")
        if kind == BOOLEAN:
            if value.lower() not in TRUE_WORDS | FALSE_WORDS:
                raise SandboxError(f"{key}={value}: write true or false")
            return value.lower() in TRUE_WORDS
        return value

    def _option_type(self, path: str, key: str) -> int | None:
        root, *subs = path.split()
        command = self.double.find_command(root, self.demo.guild)
        schema = list(command.data.get("options") or []) if command else []
        for sub in subs:
            found = next((o for o in schema if o["name"] == sub), None)
            schema = list(found.get("options") or []) if found else []
        option = next((o for o in schema if o["name"] == key), None)
        return int(option["type"]) if option else None

    def commands(self) -> list[str]:
        """Names of the slash commands the bot registered."""
        app = self.double.application_id
        return sorted(c.name for c in self.double.world.commands_for(app, None))

    def catalog(self) -> Catalog:
        """Every registered command path (global and the demo guild's), with its options."""
        app, world = self.double.application_id, self.double.world
        scopes = (None, self.demo.guild.id)
        return command_catalog(c.data | {"name": c.name, "type": c.type}
                               for scope in scopes for c in world.commands_for(app, scope))
