"""Prefix twins of slash commands: ``!warn @bob spam`` runs ``/warn``'s own callback.

A twin is a prefix command that parses the message into the slash command's options
(same names, types, limits and choices), runs the slash command's own checks
(``default_member_permissions`` and its local checks), then calls the slash command's
callback with a :class:`PrefixInteraction`: the logic, the service calls and the
permission checks inside the callback are the slash command's, never a copy. Replies
meant to be ephemeral become replies to the invoker (a channel message has no private
form). Twins exist only where the message content intent is granted.

Parsing: options in the slash command's order (required first), one word each (quotes
group words); a text option after which no required option follows takes the rest of
the line. An optional option whose word does not convert is skipped.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

import disnake
from disnake.ext import commands
from disnake.ext.commands.params import call_param_func
from disnake.utils import maybe_coroutine

from core.bot.mentions import NO_MENTIONS
from core.bot.texts import TEXTS
from core.i18n.texts import TextError

if TYPE_CHECKING:
    from core.bot.guildhall_bot import GuildhallBot

log = logging.getLogger(__name__)
T = disnake.OptionType


class PrefixResponse:
    """``inter.response`` for a prefix command: sends to the channel, replying to the author."""

    def __init__(self, ctx: commands.Context) -> None:
        self._ctx = ctx
        self.message: disnake.Message | None = None

    def is_done(self) -> bool:
        """Whether a reply was sent."""
        return self.message is not None

    async def defer(self, *args: Any, **kwargs: Any) -> None:
        """Show "typing" while the command works."""
        await self._ctx.trigger_typing()

    async def send_message(
        self, content: str | None = None, *, embed: disnake.Embed | None = None,
        embeds: list[disnake.Embed] | None = None, ephemeral: bool = False,
        allowed_mentions: disnake.AllowedMentions | None = None,
        components: Any = None, **_: Any,
    ) -> None:
        """Send the reply (an ephemeral one as a reply to the invoker)."""
        kwargs: dict[str, Any] = {"allowed_mentions": allowed_mentions or NO_MENTIONS}
        if embed is not None:
            kwargs["embed"] = embed
        if embeds:
            kwargs["embeds"] = embeds
        if components is not None:
            kwargs["components"] = components
        if ephemeral:
            kwargs["reference"] = self._ctx.message.to_reference(fail_if_not_exists=False)
            kwargs["mention_author"] = False
        self.message = await self._ctx.send(content, **kwargs)


class PrefixFollowup:
    """``inter.followup``: further messages in the channel."""

    def __init__(self, response: PrefixResponse) -> None:
        self._response = response

    async def send(self, content: str | None = None, **kwargs: Any) -> disnake.Message | None:
        """Send another message."""
        kwargs.pop("wait", None)
        await self._response._ctx.send(content, **_message_kwargs(kwargs))
        return None


def _message_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    kwargs.pop("ephemeral", None)
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    return kwargs


class PrefixInteraction:
    """What a slash callback uses of its interaction, backed by a prefix command context."""

    def __init__(self, ctx: commands.Context, command: commands.InvokableSlashCommand) -> None:
        self.ctx = ctx
        self.application_command = command
        self.bot = self.client = ctx.bot
        self.author = ctx.author
        self.user = ctx.author
        self.guild = ctx.guild
        self.guild_id = ctx.guild.id if ctx.guild else None
        self.channel = ctx.channel
        self.channel_id = ctx.channel.id
        self.me = ctx.me
        self.locale = self.guild_locale = getattr(ctx.guild, "preferred_locale", None)
        self.response = PrefixResponse(ctx)
        self.followup = PrefixFollowup(self.response)
        self.command_failed = False

    async def original_response(self) -> disnake.Message:
        """The reply sent through :attr:`response`."""
        if self.response.message is None:
            raise disnake.NotFound(_FakeResponse(), "no reply was sent yet")
        return self.response.message

    async def edit_original_response(self, content: str | None = None, **kwargs: Any) -> None:
        """Edit the reply sent through :attr:`response`."""
        message = await self.original_response()
        kwargs.pop("ephemeral", None)
        await message.edit(content=content, **kwargs)

    async def send(self, content: str | None = None, **kwargs: Any) -> None:
        """The first reply, or a further message."""
        if self.response.is_done():
            await self.followup.send(content, **kwargs)
        else:
            await self.response.send_message(content, **kwargs)


class _FakeResponse:
    status = 404
    reason = "Not Found"


def next_word(text: str) -> tuple[str, str]:
    """The first word of ``text`` (double quotes group words) and the rest."""
    text = text.lstrip()
    if text.startswith('"'):
        end = text.find('"', 1)
        if end > 0:
            return text[1:end], text[end + 1:].lstrip()
    word, _, rest = text.partition(" ")
    return word, rest.lstrip()


class ParseRefused(TextError, commands.BadArgument):
    """A prefix command's arguments that do not fit its options (``prefix_parse.*`` of
    core's texts, in the reader's language in the error answer)."""

    owner = TEXTS


async def convert(ctx: commands.Context, option: disnake.Option, word: str) -> Any:
    """``word`` as a value of ``option`` (``BadArgument`` saying why it is not one)."""
    kind = option.type
    shown = disnake.utils.escape_markdown(disnake.utils.escape_mentions(word[:40]))
    try:
        if kind == T.user:
            return await find_user(ctx, word)
        if kind == T.channel:
            return await commands.GuildChannelConverter().convert(ctx, word)
        if kind == T.role:
            return await commands.RoleConverter().convert(ctx, word)
        if kind == T.boolean:
            return commands.converter._convert_to_bool(word)
        if kind == T.integer:
            value: Any = int(word)
        elif kind == T.number:
            value = float(word)
        else:
            value = word
    except (commands.BadArgument, ValueError):
        raise ParseRefused("prefix_parse.invalid_value", option=option.name, shown=shown) from None
    _check_limits(option, value, shown)
    return value


MENTION = re.compile(r"<@!?([0-9]+)>|([0-9]+)")
MEMBER_QUERY_LIMIT = 100  # members whose name starts with the word, as disnake's converter


async def find_user(ctx: commands.Context, word: str) -> disnake.abc.User:
    """A member of the guild (mention, id or name), else a user by id; ``BadArgument``.

    A member missing from the cache (``[bot] profile = "large"`` caches none) is asked of
    Discord: by id over REST, by name with a gateway member query.
    """
    match = MENTION.fullmatch(word)
    guild = ctx.guild
    if match is None:
        member = (guild.get_member_named(word) or await query_member_named(guild, word)
                  if guild else None)
        if member is None:
            raise commands.BadArgument(word)
        return member
    user_id = int(match.group(1) or match.group(2))
    if guild is not None:
        member = guild.get_member(user_id)
        if member is not None:
            return member
        try:
            return await guild.fetch_member(user_id)
        except disnake.HTTPException:
            pass
    try:
        return await ctx.bot.fetch_user(user_id)
    except disnake.HTTPException:
        raise commands.BadArgument(word) from None


async def query_member_named(guild: disnake.Guild, name: str) -> disnake.Member | None:
    """The member named ``name`` (username, display name or nickname) asked of Discord
    (request guild members by name prefix: no members intent needed), or ``None``."""
    try:
        found = await guild.query_members(name, limit=MEMBER_QUERY_LIMIT, cache=False)
    except (TimeoutError, disnake.ClientException):
        return None
    return disnake.utils.find(lambda m: name in (m.name, m.global_name, m.nick), found)


def _check_limits(option: disnake.Option, value: Any, shown: str) -> None:
    name = option.name
    if option.choices:
        allowed = {c.value for c in option.choices}
        if value not in allowed:
            listed = ", ".join(str(c.value) for c in option.choices)
            raise ParseRefused("prefix_parse.one_of", option=name, listed=listed)
    if isinstance(value, str):
        if option.max_length is not None and len(value) > option.max_length:
            raise ParseRefused("prefix_parse.max_length", option=name,
                                   maximum=str(option.max_length))
        if option.min_length is not None and len(value) < option.min_length:
            raise ParseRefused("prefix_parse.min_length", option=name,
                                   minimum=str(option.min_length))
        return
    if isinstance(value, int | float) and not isinstance(value, bool):
        if option.min_value is not None and value < option.min_value:
            raise ParseRefused("prefix_parse.min_value", option=name,
                                   minimum=str(option.min_value))
        if option.max_value is not None and value > option.max_value:
            raise ParseRefused("prefix_parse.max_value", option=name,
                                   maximum=str(option.max_value))


def usage(prefix: str, command: commands.InvokableSlashCommand) -> str:
    """``!name <required> [optional]`` from the slash command's options."""
    parts = [f"{prefix}{command.name}"]
    for option in command.body.options:
        parts.append(f"<{option.name}>" if option.required else f"[{option.name}]")
    return " ".join(parts)


async def parse(
    ctx: commands.Context, command: commands.InvokableSlashCommand, text: str
) -> dict[str, Any]:
    """The callback's keyword arguments parsed from ``text`` (``BadArgument`` if wrong)."""
    options = list(command.body.options)
    values: dict[str, Any] = {}
    rest = text.strip()
    for index, option in enumerate(options):
        if not rest:
            if option.required:
                raise ParseRefused("prefix_parse.missing", option=option.name,
                                   usage=usage(ctx.prefix or "", command))
            continue
        later_required = any(o.required for o in options[index + 1:])
        if option.type == T.string and not later_required:
            word, after = rest, ""
        else:
            word, after = next_word(rest)
        try:
            values[option.name] = await convert(ctx, option, word)
        except commands.BadArgument:
            if option.required:
                raise
            continue
        rest = after
    if rest:
        shown = disnake.utils.escape_markdown(disnake.utils.escape_mentions(rest[:40]))
        raise ParseRefused("prefix_parse.unexpected", shown=shown,
                           usage=usage(ctx.prefix or "", command))
    return {command.connectors.get(name, name): value for name, value in values.items()}


async def run_slash_checks(
    inter: PrefixInteraction, command: commands.InvokableSlashCommand
) -> None:
    """The slash command's own checks: ``default_member_permissions`` and local checks."""
    required = command.default_member_permissions
    if required is not None and required.value:
        have = getattr(inter.author, "guild_permissions", disnake.Permissions.none())
        if not have.administrator and not required <= have:
            missing = [name for name, value in required if value and not getattr(have, name)]
            raise commands.MissingPermissions(missing)
    for check in command.checks:
        if not await maybe_coroutine(cast(Any, check), inter):  # a slash check, given our stand-in
            raise commands.CheckFailure(f"The check for {command.name} failed.")


def make_twin(command: commands.InvokableSlashCommand) -> commands.Command:
    """A prefix command named like ``command`` that calls its callback."""

    async def twin(cog: Any, ctx: commands.Context, *, text: str = "") -> None:
        inter = PrefixInteraction(ctx, command)
        await run_slash_checks(inter, command)
        kwargs = await parse(ctx, command, text)
        # our stand-in is not an ApplicationCommandInteraction; disnake types the result loosely
        await call_param_func(  # type: ignore[unused-coroutine]
            command.callback, cast(Any, inter), command.cog, **kwargs)

    twin.__doc__ = command.description
    prefix: commands.Command[Any, Any, None] = commands.Command(
        cast(Any, twin), name=command.name, help=command.description, rest_is_raw=True)
    prefix.params = {name: p for name, p in prefix.params.items() if name != "ctx"}
    contexts = command.body.contexts
    if contexts is not None and not (contexts.bot_dm or contexts.private_channel):
        prefix = commands.guild_only()(prefix)
    prefix.cog = command.cog
    return prefix


def add_prefix_twins(bot: GuildhallBot, names: dict[str, list[str]]) -> list[str]:
    """Add a twin of each named top-level slash command (by plugin); return the names added.

    Nothing is added without the message content intent: the bot could not read them.
    """
    if not bot.settings.discord.message_content_intent:
        return []
    added = []
    for plugin, wanted in names.items():
        for name in wanted:
            command = bot.get_slash_command(name)
            if not isinstance(command, commands.InvokableSlashCommand) or command.children:
                log.warning("plugin %s: no slash command %r to make a prefix twin of", plugin, name)
                continue
            if bot.get_command(name) is not None:
                log.warning("plugin %s: prefix command %r exists already", plugin, name)
                continue
            bot.add_command(make_twin(command))
            added.append(name)
    return added
