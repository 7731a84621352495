"""``/customcmd create|edit|delete|list|info`` and running custom commands from messages.

Running: a guild message starting with the guild's prefix followed by a stored name gets
the rendered response, pinging at most the invoker. This needs the privileged message
content intent (``[discord] message_content_intent``). Each use is counted in
:class:`UsesBuffer` (flushed every ``flush_seconds`` and by ``guildhall_flush``) and
announced as the ``custom_command`` bot event (analytics records it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import disnake
from disnake.ext import commands

from core.plugins.api import Speaker, TtlCache, flush_timer, message_hook, only_user
from plugins.customcmds import service
from plugins.customcmds.render import Invocation, render
from plugins.customcmds.service import CustomCommandError, UsesBuffer
from plugins.customcmds.settings import CustomCommandsSettings
from plugins.customcmds.texts import TEXTS

if TYPE_CHECKING:
    from core.plugins.api import BotLike

log = logging.getLogger(__name__)
GUILD_ONLY = disnake.InteractionContextTypes(guild=True)
Inter = disnake.ApplicationCommandInteraction
NAMES_CACHE_SIZE, NAMES_TTL = 100_000, 60.0  # above the guilds one worker holds


class Denied(Exception):
    """The member may not manage custom commands (the message says why)."""


class CustomCommands(commands.Cog):
    """Staff-defined text commands."""

    def __init__(self, bot: BotLike, settings: CustomCommandsSettings) -> None:
        self.bot = bot
        self.settings = settings
        self.uses = UsesBuffer()
        # names per guild, so a message like "!hello" costs no query unless it is one
        self.names: TtlCache[int, frozenset[str]] = TtlCache(NAMES_CACHE_SIZE, NAMES_TTL)
        self._loop_task: asyncio.Task[None] | None = None

    # -- helpers -------------------------------------------------------------------------

    @commands.Cog.listener("on_connect")
    async def follow_changes(self) -> None:
        """Drop cached names when any process (a worker, the dashboard) adds or deletes one."""
        if self.bot.bus is not None:
            self.bot.bus.unsubscribe(service.NAMES_TOPIC, self._names_changed)
            self.bot.bus.subscribe(service.NAMES_TOPIC, self._names_changed)

    def _names_changed(self, payload: dict[str, object]) -> None:
        guild_id = payload.get("guild_id")
        if isinstance(guild_id, int):
            self.names.invalidate(guild_id)

    def reserved(self) -> set[str]:
        """Names taken by built-in prefix commands (and aliases) and slash commands."""
        names = {name.lower() for name in self.bot.all_commands}
        names.update(cmd.name.lower() for cmd in self.bot.slash_commands)
        return names

    def require_manager(self, author: disnake.abc.User, t: Speaker) -> None:
        """Raise unless ``author`` has Manage Server or the configured manager role."""
        if not isinstance(author, disnake.Member):
            raise Denied(t("server_only"))
        if author.guild_permissions.manage_guild:
            return
        wanted = self.settings.manager_role.lower()
        if any(role.name.lower() == wanted for role in author.roles):
            return
        raise Denied(t("manager_needed",
                       role=disnake.utils.escape_markdown(self.settings.manager_role)))

    async def flush(self) -> None:
        """Write buffered use counts."""
        with flush_timer("customcmds.uses"):
            await self.uses.flush()

    def ensure_loop(self) -> None:
        """Start the periodic flush of use counts if it is not running."""
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.create_task(self._flush_loop(), name="customcmds-flush")

    async def _flush_loop(self) -> None:
        while not self.bot.is_closed():
            await asyncio.sleep(self.settings.flush_seconds)
            try:
                await self.flush()
            except Exception:
                log.exception("writing custom command uses failed; kept for the next flush")

    def cog_unload(self) -> None:
        """Stop the flush loop (the final flush runs through ``guildhall_flush``)."""
        if self._loop_task is not None:
            self._loop_task.cancel()

    async def answer(
        self, inter: Inter, action: Callable[[disnake.Guild], Awaitable[str]], *,
        manager: bool = True, ephemeral: bool = False,
    ) -> None:
        """Run ``action`` after the permission check; bad input gets an ephemeral reason."""
        assert inter.guild is not None
        t = TEXTS.to(inter)
        try:
            if manager:
                self.require_manager(inter.author, t)
            text = await action(inter.guild)
            if manager:  # create, edit or delete: the next message sees the change
                self.names.invalidate(inter.guild.id)
        except (CustomCommandError, Denied) as exc:
            text = str(exc) if isinstance(exc, Denied) else t("failed", error=exc)
            await inter.response.send_message(text, ephemeral=True)
            return
        await inter.response.send_message(text, ephemeral=ephemeral)

    # -- running -------------------------------------------------------------------------

    @message_hook
    def run_custom(self, message: disnake.Message) -> Awaitable[None] | None:
        """Reply to ``<prefix><name> [args]`` when ``name`` is a custom command here.

        Inline check first: a message without the guild's (cached) prefix costs no task.
        """
        author, guild = message.author, message.guild
        if author.bot or guild is None or not message.content:
            return None
        config = self.bot.guild_configs.peek(guild.id)
        if config is not None and not message.content.startswith(config.prefix):
            return None
        return self._run_custom(message, guild)

    async def _run_custom(self, message: disnake.Message, guild: disnake.Guild) -> None:
        author = message.author
        prefix = await self.bot.guild_configs.prefix(guild.id)
        if not message.content.startswith(prefix):
            return
        words = message.content[len(prefix):].split()
        if not words:
            return
        name = words[0].lower()
        if not service.NAME.fullmatch(name) or name in self.bot.all_commands:
            return
        if name not in await self.names.get(guild.id, lambda: service.names(guild.id)):
            return
        command = await service.get(guild.id, name)
        if command is None:
            return
        self.uses.add(command.id)
        self.ensure_loop()
        inv = Invocation(
            user_id=author.id,
            user_name=author.name,
            user_display=getattr(author, "display_name", author.name),
            server=guild.name,
            server_members=guild.member_count or len(guild.members),
            channel_id=message.channel.id,
            args=tuple(words[1:]),
            uses=command.uses + self.uses.pending(command.id),
        )
        self.bot.dispatch("custom_command", message, name)
        await message.channel.send(
            render(command.response, inv, empty=TEXTS.to(guild)("empty_response")),
            allowed_mentions=only_user(author)
        )

    # -- /customcmd ----------------------------------------------------------------------

    @commands.slash_command(name="customcmd", description="Custom text commands",
                            contexts=GUILD_ONLY)
    async def customcmd(self, inter: Inter) -> None:
        """Parent of the custom command subcommands."""

    @customcmd.sub_command(name="create", description="Create a custom command (staff)")
    async def create(
        self, inter: Inter,
        name: str = commands.Param(description="1-32 of a-z 0-9 - _"),
        response: str = commands.Param(description="Up to 2,000 characters; {user} etc."),
    ) -> None:
        """Create a command."""
        t = TEXTS.to(inter)

        async def action(guild: disnake.Guild) -> str:
            command = await service.create(
                guild.id, name, response, inter.author.id,
                reserved=self.reserved(), limit=self.settings.max_per_guild,
            )
            return t("created", name=command.command_name)
        await self.answer(inter, action)

    @customcmd.sub_command(name="edit", description="Change a custom command's response")
    async def edit(
        self, inter: Inter,
        name: str = commands.Param(description="The command"),
        response: str = commands.Param(description="The new response"),
    ) -> None:
        """Replace a command's response."""
        t = TEXTS.to(inter)

        async def action(guild: disnake.Guild) -> str:
            command = await service.edit(guild.id, name, response)
            return t("updated", name=command.command_name)
        await self.answer(inter, action)

    @customcmd.sub_command(name="delete", description="Delete a custom command")
    async def delete(
        self, inter: Inter, name: str = commands.Param(description="The command")
    ) -> None:
        """Delete a command."""
        t = TEXTS.to(inter)

        async def action(guild: disnake.Guild) -> str:
            command = await service.delete(guild.id, name)
            return t("deleted", name=command.command_name)
        await self.answer(inter, action)

    @customcmd.sub_command(name="list", description="List this server's custom commands")
    async def list_(
        self, inter: Inter, page: int = commands.Param(1, description="Page number")
    ) -> None:
        """One page of the guild's commands, by name."""
        t = TEXTS.to(inter)

        async def action(guild: disnake.Guild) -> str:
            if page < 1:
                raise CustomCommandError("list.first_page")
            rows, pages = await service.page(guild.id, page, self.settings.page_size)
            if not rows and page == 1:
                return t("list.none")
            if not rows:
                raise CustomCommandError("list.no_page", page=page, pages=pages)
            names = ", ".join(f"`{row.command_name}`" for row in rows)
            return t("list.page", page=page, pages=pages, names=names)
        await self.answer(inter, action, manager=False)

    @customcmd.sub_command(name="info", description="Who made a custom command, and its uses")
    async def info(
        self, inter: Inter, name: str = commands.Param(description="The command")
    ) -> None:
        """Creator, uses and creation time of a command."""
        t = TEXTS.to(inter)

        async def action(guild: disnake.Guild) -> str:
            command = await service.get(guild.id, name)
            if command is None:
                raise CustomCommandError("info.unknown", name=name.strip().lower()[:32])
            uses = command.uses + self.uses.pending(command.id)
            created = int(command.created_at.timestamp())
            # creator_id 0: the creator had their data deleted (/privacy delete)
            creator = f"<@{command.creator_id}>" if command.creator_id else t("info.deleted_user")
            return t("info.text", name=command.command_name, creator=creator,
                     when=f"<t:{created}:R>", uses=uses)
        await self.answer(inter, action, manager=False)
