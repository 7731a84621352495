"""``/help [command]`` and ``!help [command]``: what the invoker may run here.

Generated, not hand-kept: every registered slash command (and subcommand) of core and of
the plugins enabled in this guild (per-guild switches), described by its registered
schema and by the plugin's :class:`core.plugins.help_types.PluginHelp` (summary,
examples, required permissions). A command is listed only when the invoker holds its
``default_member_permissions`` and the permissions its plugin declares (administrators
hold all; owner-only commands are listed to the bot's owners). Slash replies are
ephemeral; every reply stays within Discord's embed limits and mentions nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import disnake
from disnake.ext import commands
from disnake.interactions import ApplicationCommandInteraction

from core.bot.cogs.meta import GUILD_ONLY
from core.bot.errors import permission_names
from core.bot.mentions import NO_MENTIONS
from core.bot.texts import TEXTS
from core.i18n.commands import localized
from core.i18n.texts import Speaker, Texts
from core.plugins.gate import plugin_of
from core.plugins.help_types import CommandHelp, PluginHelp
from core.services import plugin_switches

if TYPE_CHECKING:
    from core.bot.guildhall_bot import GuildhallBot

CORE_HELP = PluginHelp("Core", "The bot itself: liveness, prefix, plugins, privacy.", (
    CommandHelp("help", "Lists the commands you can use here, or one command in detail.",
                ("/help", "/help ban")),
    CommandHelp("prefix set", permissions=("manage_guild",), examples=("/prefix set ?",)),
    CommandHelp("plugins enable", permissions=("manage_guild",)),
    CommandHelp("plugins disable", permissions=("manage_guild",)),
))
DESCRIPTION_LIMIT = 4000  # Discord: 4,096 per embed description
TOTAL_LIMIT = 5800  # Discord: 6,000 characters over all embeds of a message
FIELD_LIMIT = 1024  # Discord: 1,024 per field value
COLOUR = disnake.Colour.blurple()


@dataclass(frozen=True)
class Entry:
    """One runnable command: where it comes from, its schema and its help."""

    name: str
    plugin: str
    section: PluginHelp
    command: commands.InvokableSlashCommand
    body: disnake.Option
    help: CommandHelp

    def description(self, t: Speaker) -> str:
        """The registered description in ``t``'s locale."""
        return localized(self.body.description_localizations, self.body.description, t.locale)

    def path(self, t: Speaker) -> str:
        """The command as typed in ``t``'s locale (``/rang`` for ``/rank`` in German)."""
        node: Any = self.command.body
        words = [localized(node.name_localizations, node.name, t.locale)]
        for word in self.name.split()[1:]:
            node = next(o for o in node.options if o.name == word)
            words.append(localized(node.name_localizations, word, t.locale))
        return " ".join(words)


def shown(text: str, limit: int = 40) -> str:
    """User text quoted safely: bounded, no markdown, no mentions."""
    text = " ".join(text.split())[:limit]
    return disnake.utils.escape_markdown(disnake.utils.escape_mentions(text))


def trim(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters (with an ellipsis when cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def leaves(
    command: commands.InvokableSlashCommand,
) -> list[tuple[str, Any]]:
    """``(qualified name, schema)`` of each runnable (sub)command of a top-level command."""
    if not command.children:
        return [(command.name, command.body)]
    found = []
    for child in command.children.values():
        if isinstance(child, commands.SubCommandGroup):
            found += [(sub.qualified_name, sub.body) for sub in child.children.values()]
        else:
            found.append((child.qualified_name, child.body))
    return found


class HelpCatalogue:
    """Help for ``bot``'s registered commands, filtered for a member of a guild."""

    def __init__(self, bot: GuildhallBot) -> None:
        self.bot = bot
        self.texts = {name: Texts(d) for name, d in bot.plugins.locale_dirs().items()}

    def plugin_text(self, entry: Entry, key: str, default: str, t: Speaker) -> str:
        """``section.<key>`` of the entry's plugin in ``t``'s locale, else ``default``."""
        texts = TEXTS if entry.plugin == plugin_switches.CORE else self.texts.get(entry.plugin)
        if texts is None or not default:
            return default
        return texts.to(t.locale).get(f"section.{key}", default)

    def summary(self, entry: Entry, t: Speaker) -> str:
        """The plugin's summary of the command, else its registered description."""
        if entry.help.summary:
            return self.plugin_text(entry, f"commands.{entry.name}", entry.help.summary, t)
        return entry.description(t)

    def section(self, plugin: str) -> PluginHelp:
        """The plugin's help (a plain section when it describes nothing)."""
        if plugin == plugin_switches.CORE:
            return CORE_HELP
        return self.bot.plugin_help.get(plugin) or PluginHelp(plugin.capitalize(), "")

    def entries(self) -> list[Entry]:
        """Every registered slash (sub)command, core's first, then by plugin and name."""
        found = []
        for command in self.bot.slash_commands:
            plugin = plugin_of(command.cog) or plugin_switches.CORE
            section = self.section(plugin)
            for name, body in leaves(command):
                described = section.command(name) or CommandHelp(name)
                found.append(Entry(name, plugin, section, command, body, described))
        return sorted(found, key=lambda e: (e.plugin != plugin_switches.CORE, e.plugin, e.name))

    def required(self, entry: Entry) -> list[str]:
        """Permission flags the invoker needs for ``entry``."""
        flags = list(entry.help.permissions)
        default = entry.command.default_member_permissions
        if default is not None:
            flags += [name for name, value in default if value and name not in flags]
        return flags

    async def may_run(self, entry: Entry, member: disnake.abc.User, guild: disnake.Guild) -> bool:
        """Whether ``member`` may run ``entry`` in ``guild`` (switch, permissions, owner)."""
        if entry.plugin != plugin_switches.CORE and not await plugin_switches.is_enabled(
            guild.id, entry.plugin
        ):
            return False
        if entry.help.owner_only:
            return await self.bot.is_owner(cast(disnake.Member, member))
        perms = getattr(member, "guild_permissions", None)
        if perms is None:
            return False
        return perms.administrator or all(getattr(perms, f, False) for f in self.required(entry))

    async def visible(self, member: disnake.abc.User, guild: disnake.Guild) -> list[Entry]:
        """The entries ``member`` may run in ``guild``."""
        return [e for e in self.entries() if await self.may_run(e, member, guild)]

    def prefix_form(self, entry: Entry, prefix: str) -> str | None:
        """``!name <required> [optional]`` when the command has a prefix twin (never without
        the message content intent: the bot cannot read the messages)."""
        if not self.bot.settings.discord.message_content_intent:
            return None
        twin = self.bot.get_command(entry.name) if " " not in entry.name else None
        if twin is None or twin.cog is not entry.command.cog or twin.cog is None:
            return None
        parts = [f"{prefix}{entry.name}"]
        parts += [f"<{o.name}>" if o.required else f"[{o.name}]" for o in entry.body.options]
        return " ".join(parts)

    def overview(self, entries: list[Entry], prefix: str, t: Speaker) -> list[disnake.Embed]:
        """Embeds listing ``entries`` by plugin, within Discord's limits."""
        blocks: list[str] = []
        current = None
        for entry in entries:
            if entry.plugin != current:
                current = entry.plugin
                head = f"**{self.plugin_text(entry, 'title', entry.section.title, t)}**"
                if entry.section.summary:
                    head += f" — {self.plugin_text(entry, 'summary', entry.section.summary, t)}"
                blocks.append(trim(head, 300))
            line = f"`/{entry.path(t)}` — {trim(entry.description(t), 100)}"
            if self.prefix_form(entry, prefix) is not None:
                line += f" · `{prefix}{entry.name}`"
            blocks.append(line)
        footer = t("help.footer")
        if self.bot.settings.discord.message_content_intent:
            footer = t("help.footer_prefix", prefix=prefix)
        return paginate(blocks, t("help.title"), footer, t)

    def detail(self, entry: Entry, prefix: str, t: Speaker) -> disnake.Embed:
        """One command: summary, options, examples, permissions and prefix form."""
        embed = disnake.Embed(title=f"/{entry.path(t)}", colour=COLOUR,
                              description=trim(self.summary(entry, t) or t("help.no_description"),
                                               1000))
        if entry.body.options:
            lines = []
            for option in entry.body.options:
                need = t("help.required") if option.required else t("help.optional")
                name = localized(option.name_localizations, option.name, t.locale)
                about = localized(option.description_localizations, option.description, t.locale)
                lines.append(f"`{name}` ({need}) — {about}")
            embed.add_field(t("help.options"), trim("\n".join(lines), FIELD_LIMIT), inline=False)
        if entry.help.examples:
            examples = "\n".join(f"`{e}`" for e in entry.help.examples)
            embed.add_field(t("help.examples"), trim(examples, FIELD_LIMIT), inline=False)
        required = self.required(entry)
        if required:
            names = permission_names(required, t.format_locale)
            embed.add_field(t("help.needs"), names, inline=False)
        form = self.prefix_form(entry, prefix)
        if form is not None:
            embed.add_field(t("help.prefix_form"), f"`{trim(form, 200)}`", inline=False)
        return embed

    async def answer(
        self, guild: disnake.Guild, member: disnake.abc.User, wanted: str | None,
        reader: object = None,
    ) -> list[disnake.Embed]:
        """The embeds answering ``help`` (``wanted``: a command name, or ``None``) in the
        locale of ``reader`` (the interaction or prefix context; the guild's without one)."""
        t = TEXTS.to(reader if reader is not None else guild)
        prefix = await self.bot.guild_configs.prefix(guild.id)
        entries = await self.visible(member, guild)
        if not wanted or not wanted.strip():
            return self.overview(entries, prefix, t)
        name = " ".join(wanted.strip().lower().split())
        for start in ("/", prefix.lower()):
            if start and name.startswith(start):
                name = name[len(start):]
        matches = [e for e in entries if name in (e.name, e.path(t))]
        if not matches:
            matches = [e for e in entries if e.name.startswith(name + " ")
                       or e.path(t).startswith(name + " ")]
            if matches:
                blocks = [f"`/{e.path(t)}` — {trim(e.description(t), 100)}" for e in matches]
                return paginate(blocks, f"/{shown(name)}", t("help.footer_one"), t)
            text = t("help.unknown", name=shown(wanted))
            return [disnake.Embed(description=text, colour=COLOUR)]
        return [self.detail(matches[0], prefix, t)]


def paginate(
    blocks: list[str], title: str, footer: str, t: Speaker | None = None
) -> list[disnake.Embed]:
    """Embeds holding ``blocks`` in order: each description within 4,000 characters, all of
    them within 5,800; what does not fit is counted in a last line."""
    embeds: list[disnake.Embed] = []
    lines: list[str] = []
    size = len(title) + len(footer)
    for index, block in enumerate(blocks):
        block = trim(block, 500)
        if size + len(block) + 1 > TOTAL_LIMIT - 100 or len(embeds) >= 9:
            lines.append((t or TEXTS.english())("help.more", count=len(blocks) - index))
            break
        if sum(len(line) + 1 for line in lines) + len(block) > DESCRIPTION_LIMIT:
            embeds.append(disnake.Embed(description="\n".join(lines), colour=COLOUR))
            lines = []
        lines.append(block)
        size += len(block) + 1
    nothing = (t or TEXTS.english())("help.nothing")
    embeds.append(disnake.Embed(description="\n".join(lines) or nothing, colour=COLOUR))
    embeds[0].title = title
    embeds[-1].set_footer(text=footer)
    return embeds


class Help(commands.Cog):
    """``/help``."""

    def __init__(self, bot: GuildhallBot) -> None:
        self.bot = bot
        self.catalogue = HelpCatalogue(bot)

    @commands.slash_command(name="help", description="The commands you can use here",
                            contexts=GUILD_ONLY)
    async def help_slash(
        self,
        inter: ApplicationCommandInteraction,
        command: str | None = commands.Param(
            default=None, max_length=100, description="One command, like ban or reminders list"
        ),
    ) -> None:
        """List what the invoker may run, or show one command (ephemeral)."""
        assert inter.guild is not None
        embeds = await self.catalogue.answer(inter.guild, inter.author, command, inter)
        await inter.response.send_message(embeds=embeds, ephemeral=True,
                                          allowed_mentions=NO_MENTIONS)


class PrefixHelp(commands.Cog):
    """``!help`` (only where the message content intent is granted)."""

    def __init__(self, bot: GuildhallBot) -> None:
        self.bot = bot
        self.catalogue = HelpCatalogue(bot)

    @commands.command(name="help", help="The commands you can use here")
    @commands.guild_only()
    async def help_prefix(self, ctx: commands.Context, *, command: str | None = None) -> None:
        """List what the invoker may run, or show one command."""
        assert ctx.guild is not None
        embeds = await self.catalogue.answer(ctx.guild, ctx.author, command, ctx)
        await ctx.send(embeds=embeds, allowed_mentions=NO_MENTIONS)
