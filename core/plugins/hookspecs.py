"""The guildhall plugin contract: every hook a plugin may implement.

A plugin is a module (or object) with functions decorated by ``hookimpl`` (import it from
``core.plugins.api``, the public plugin API) and named like the specs below, which are
grouped by phase (:data:`PHASES`). Implement only what you need. Hooks that do I/O may be
``async def``; core awaits them. An exception raised by one plugin's hook is logged with
the plugin's name and does not stop the other plugins.

Minimal plugin::

    from core.plugins.api import hookimpl

    @hookimpl
    def guildhall_models() -> str:
        return "my_plugin.models"

Third-party plugins register through the entry point group ``guildhall.plugins``; the
entry point's name is the plugin's name (also its Tortoise app label and config section).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from disnake.ext import commands
    from pydantic import BaseModel

    from core.plugins.bot_like import BotLike
    from core.plugins.contracts import (
        IntegrityCheck,
        PublicPage,
        RetentionPolicy,
        ServerFields,
        TimerSource,
        WebPage,
        WebPanel,
    )
    from core.plugins.help_types import PluginHelp
    from core.runtime.config import Settings

PROJECT_NAME = "guildhall"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


# ----------------------------------------------------------------------------------------
# Registration: what the plugin is (read once at start-up)
# ----------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def guildhall_settings_model() -> type[BaseModel] | None:
    """Return the pydantic model validating this plugin's ``[plugins.NAME]`` section.

    Called at start-up. A bad value fails the start with the key, the value and what is
    allowed. The validated instance is passed to :func:`guildhall_cogs` as ``settings``.
    """


@hookspec
def guildhall_cogs(bot: BotLike, settings: BaseModel | None) -> list[commands.Cog]:
    """Return the cogs (commands and listeners) to add to ``bot``.

    Called once per bot, after the database is ready and before the bot connects.
    ``settings`` is this plugin's validated settings (``None`` without a settings model).
    """


@hookspec(firstresult=True)
def guildhall_locales() -> Path | None:
    """Return the directory of this plugin's locale files (``<locale>.json`` each).

    Called when a bot is built: the ``commands`` sections localize the plugin's slash
    command and option names and descriptions (through disnake's ``bot.i18n``); the
    ``texts`` sections are the plugin's replies, read through a ``Texts`` made for the
    same directory (``core.plugins.api``). Ship the files as package data, e.g. ``return
    Path(__file__).parent / "locales"``. Format and rules: docs/localization.md.
    """


@hookspec
def guildhall_help(settings: BaseModel | None) -> PluginHelp | None:
    """Return this plugin's section of ``/help``: title, summary and per-command help.

    Called once per bot when it is built, with this plugin's validated settings. Commands
    left out still appear, from their registered schema; a ``CommandHelp`` adds examples,
    the permissions the invoker needs (help lists a command only to members who hold
    them) and ``prefix=True`` for a prefix twin. See :class:`core.plugins.help_types.PluginHelp`.
    """


@hookspec
def guildhall_intents(settings: BaseModel | None) -> list[str]:
    """Return the names of the gateway intents this plugin's listeners need.

    Names are :class:`disnake.Intents` flags, e.g. ``["guild_messages"]`` for a message
    listener, ``["members"]`` for ``on_member_join``. Called once per bot when it is built.
    Under ``[bot] profile = "large"`` the bot asks Discord only for the union of these and
    core's own (``guilds``, messages; privileged ones only when ``[discord]`` allows them);
    the default profile asks for every non-privileged intent. An unknown name stops the
    start with the plugin's name.
    """


# ----------------------------------------------------------------------------------------
# Data and migrations: the plugin's tables
# ----------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def guildhall_models() -> str | None:
    """Return the dotted path of the module holding this plugin's Tortoise models.

    Called once at start-up, before the database is initialised. The models become the
    Tortoise app named after the plugin, on the shared connection. Return ``None`` (or do
    not implement the hook) when the plugin has no tables.
    """


@hookspec(firstresult=True)
def guildhall_migrations_location() -> Path | None:
    """Return the directory holding this plugin's aerich migrations.

    Called by ``guildhall db upgrade``, ``db check`` and ``db makemigrations``. The
    directory must contain ``sqlite/<plugin name>/`` and ``postgres/<plugin name>/`` with
    the migration files (``guildhall db makemigrations`` writes them). Built-in plugins
    use the project's ``migrations/`` and need not implement this.
    """


# ----------------------------------------------------------------------------------------
# Runtime and events: buffered writes of a running bot
# ----------------------------------------------------------------------------------------


@hookspec
async def guildhall_flush() -> None:
    """Write out buffered data (XP, counters) now.

    Called on a short interval by core and once on shutdown, before the database closes.
    It must be safe to call concurrently with normal traffic and more than once.
    """


@hookspec
def guildhall_buffer_sizes(bot: BotLike) -> dict[str, int]:
    """Return how many items wait in each of this plugin's write buffers of ``bot``.

    Called when Prometheus scrapes the worker (``guildhall_buffer_size{buffer=...}``), so
    it must be cheap and do no I/O: e.g. ``{"leveling.xp": len(buffer)}``, names
    ``"<plugin>.<what>"``. Time each flush with ``flush_timer(name)`` (``core.plugins.api``).
    """


# ----------------------------------------------------------------------------------------
# Timers and maintenance: the leader's scheduler and maintenance engine
# ----------------------------------------------------------------------------------------


@hookspec
def guildhall_timer_sources(bot: BotLike | None) -> list[TimerSource]:
    """Return the tables whose rows fall due at a stored time (reminders, temp bans).

    Called once per process when its bot starts (every process is a leader candidate).
    ``bot`` is the process's bot (its REST client works for any guild: the leader need
    not hold the guild's shard); ``None`` in tools without a bot. See
    :class:`core.plugins.contracts.TimerSource`. After inserting a row, call
    ``wakeups.notify_created(due_at)`` (``core.plugins.api``) so the leader wakes early.
    """


@hookspec
def guildhall_retention_policies(settings: Settings) -> list[RetentionPolicy]:
    """Return the retention rules of this plugin's tables (expire, archive, delete, rollup).

    Called by the maintenance engine (on the leader, and by ``guildhall maintenance run``)
    each time it builds its job list. ``settings`` is the whole configuration: read the
    periods from ``settings.maintenance`` (declare the argument only if you need it).
    Each policy becomes a job named ``policy.name``, run on ``policy.schedule`` in
    bounded batches with one cutoff per run. See :class:`core.plugins.contracts.RetentionPolicy`.
    """


@hookspec
def guildhall_integrity_checks(settings: Settings) -> list[IntegrityCheck]:
    """Return read-only checks that find inconsistent data (e.g. balances vs. transactions).

    Called by the weekly ``core.integrity`` maintenance job (which logs the problems) and
    by ``guildhall db check-integrity`` (which prints them and exits 1). ``settings`` is
    optional, as for :func:`guildhall_retention_policies`.
    See :class:`core.plugins.contracts.IntegrityCheck`.
    """


# ----------------------------------------------------------------------------------------
# Privacy: a guild leaving, a user's data requests
# ----------------------------------------------------------------------------------------


@hookspec
async def guildhall_guild_purge(guild_id: int) -> int:
    """Delete this plugin's data of a guild the bot was removed from.

    Called on the process that received GUILD_DELETE, or (with ``[privacy]
    guild_purge_grace_hours``) by the leader's maintenance job once the grace period has
    passed, inside one transaction per guild: use the default connection, and raise on
    failure so the guild is rolled back and retried. It may run more than once for a
    guild. Return the number of rows deleted. Append-only audit data (the moderation log)
    is kept.
    """


@hookspec
async def guildhall_user_export(user_id: int) -> dict[str, Any]:
    """Return everything this plugin stores about ``user_id`` as JSON-serialisable data.

    Called for a user's data-access request; the results are merged under plugin names.
    """


@hookspec
async def guildhall_user_delete(user_id: int) -> int:
    """Delete (or anonymise, for audit tables) everything stored about ``user_id``.

    Called for a user's data-deletion request (``/privacy delete``); must be idempotent.
    Rows about the user go; rows the user made for a guild (a custom command) stay with
    their author set to 0; audit records may stay (say so in your README). Return the
    number of rows changed.
    """


@hookspec
def guildhall_forget_buffered(bot: BotLike, user_id: int) -> int:
    """Drop everything this plugin's buffers of ``bot`` hold for ``user_id``, unwritten.

    Called on every worker when a user deletes their data (``/privacy delete``), before
    their rows are deleted; no I/O. Return how many items were dropped. Flushes must also
    obey ``user_fence`` (``core.plugins.api``; the guarantee when a worker missed the message).
    """


# ----------------------------------------------------------------------------------------
# Web: the dashboard and public pages (``guildhall web``)
# ----------------------------------------------------------------------------------------


@hookspec
def guildhall_web_panels(settings: Settings) -> list[WebPanel]:
    """Return this plugin's sections of a guild's settings page on the dashboard.

    Called once when the dashboard application is created (``guildhall web``), with the
    whole configuration (read this plugin's defaults from ``settings.plugins.section``).
    Each panel (a form, lists with add and remove actions, or both) is shown to the guild's
    admins only and saved through the panel's ``save`` or the list's ``add``/``remove``,
    which call the plugin's own service. See :class:`core.plugins.contracts.WebPanel` and
    :class:`core.plugins.contracts.PanelList`.
    """


@hookspec
def guildhall_web_pages(settings: Settings) -> list[WebPage]:
    """Return this plugin's own pages of a guild (``/dashboard/<guild>/<name>``).

    For what does not fit a settings panel (a long list with paging, several forms per
    row). Called once when the dashboard application is created, with the whole
    configuration. Core shows a tab per page, checks the session, the viewer's permission
    (Manage Server, or the page's ``audience``, e.g. moderators) and the CSRF token, and
    renders the page's template. See :class:`core.plugins.contracts.WebPage`.
    """


@hookspec
def guildhall_web_server_fields(settings: Settings) -> list[ServerFields]:
    """Return inputs this plugin adds to the "Server" form of a guild's settings page.

    Called once when the dashboard application is created. Core validates every
    contributor's fields before it writes anything of the form, then saves its own and
    the plugins'. See :class:`core.plugins.contracts.ServerFields`.
    """


@hookspec
def guildhall_web_public_pages(settings: Settings) -> list[PublicPage]:
    """Return this plugin's public pages of a guild (``/g/<guild_id>/<slug>``).

    Called once when the dashboard application is created (``guildhall web``), with the
    whole configuration. Core serves each page only while the guild's public pages are on
    and this plugin is enabled there, in the common layout with a navigation link per
    page. See :class:`core.plugins.contracts.PublicPage`.
    """


@hookspec
def guildhall_sandbox_scripts() -> dict[str, Path]:
    """Return this plugin's sandbox scripts: ``{name: path of a .txt script}``.

    Called by ``guildhall sandbox`` (``--list-scripts``, ``--script``), with the plugin
    enabled. ``guildhall sandbox --list-scripts`` lists them as ``<plugin>:<name>`` and
    ``guildhall sandbox --script <plugin>:<name>`` plays one (see docs/testing.md for the
    script format). Ship the files as package data, e.g. ``Path(__file__).parent /
    "sandbox" / "tour.txt"``.
    """


PHASES: dict[str, tuple[str, ...]] = {
    "registration": (
        "guildhall_settings_model", "guildhall_cogs", "guildhall_help",
        "guildhall_locales", "guildhall_intents", "guildhall_sandbox_scripts",
    ),
    "data and migrations": ("guildhall_models", "guildhall_migrations_location"),
    "runtime and events": ("guildhall_flush", "guildhall_buffer_sizes"),
    "timers and maintenance": (
        "guildhall_timer_sources", "guildhall_retention_policies", "guildhall_integrity_checks",
    ),
    "privacy": (
        "guildhall_guild_purge", "guildhall_user_export", "guildhall_user_delete",
        "guildhall_forget_buffered",
    ),
    "web": (
        "guildhall_web_panels", "guildhall_web_server_fields", "guildhall_web_pages",
        "guildhall_web_public_pages",
    ),
}
"""Every hook above by the phase it belongs to, in the order a plugin meets them."""
