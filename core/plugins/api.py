"""The public plugin API: the one module a plugin imports from guildhall.

Built-in plugins and third-party packages alike write ``from core.plugins.api import ...``;
everything else under ``core`` is internal and may move. The names come in groups:

- **Hooks and bases**: ``hookimpl`` marks a hook implementation (the hooks themselves are
  documented in ``core/plugins/hookspecs.py``); ``TablePlugin`` derives the data hooks from
  a declaration; ``BotLike`` is what a plugin may use of the bot.
- **Contracts**: the value types a plugin hands to core through hooks (timers, retention,
  integrity checks, dashboard panels and public pages, help).
- **Commands and replies**: command checks, allowed-mentions helpers, the hot-path
  ``message_hook``, the configuration type and ``Texts`` (replies in the reader's locale).
- **Data**: table documentation, timer columns, the shared connection and core's tables.
- **Per-guild settings**: overrides of a plugin's defaults, with their command helpers.
- **Services**: core's shared logic (coins, XP, the role rule, guild facts, caches, the
  bus and timer wake-ups, plugin switches, audit, metrics, maintenance helpers, and
  ``non_urgent()`` for bulk REST work the invalid-request breaker may hold).
"""

from __future__ import annotations

from core.bot.cogs.meta import GUILD_ONLY, require_manage_guild
from core.bot.dispatch import message_hook
from core.bot.errors import PermissionNames, permission_names
from core.bot.mentions import NO_MENTIONS, only_user
from core.coordination import bus, wakeups
from core.coordination.rest_budget import non_urgent
from core.db.database import CONNECTION, placeholders
from core.db.lifecycle import Lifecycle
from core.db.models import GuildMember, User
from core.i18n.formatting import LocalizedValue
from core.i18n.texts import Phrase, Speaker, TextError, Texts
from core.maintenance.integrity import PROBLEM_LIMIT, fetch_limited, limit_problems
from core.maintenance.schedule import start_of_week
from core.metrics import flush_timer
from core.plugins.base import TablePlugin
from core.plugins.bot_like import BotLike
from core.plugins.contracts import (
    Apply,
    GuildChoices,
    GuildRequest,
    IntegrityCheck,
    ListRow,
    MaintenanceContext,
    PageRequest,
    PanelField,
    PanelList,
    PublicPage,
    RetentionKind,
    RetentionPolicy,
    Schedule,
    ServerFields,
    TimerSource,
    Viewer,
    WebPage,
    WebPanel,
)
from core.plugins.help_types import CommandHelp, PluginHelp
from core.plugins.hookspecs import hookimpl
from core.runtime.config import Settings
from core.services import audit, plugin_switches, role_rule, user_fence, xp
from core.services import guild_overrides_commands as overrides
from core.services.cache import TtlCache
from core.services.coins import (
    COINS_MAX,
    BalanceTooHigh,
    CoinsError,
    InsufficientFunds,
    InvalidAmount,
    change_coins,
    get_coins,
    lock_members,
    run_atomic,
    run_statement,
    validate_amount,
)
from core.services.guild_facts import (
    ActorFacts,
    BotFacts,
    RoleFacts,
    actor_facts,
    bot_facts,
    role_facts,
)
from core.services.guild_overrides import GuildOverrides, OverridesCache
from core.services.role_rule import RoleRefused
from core.services.settings_errors import SettingConflict, SettingsRefused
from core.services.templates import MAX_OUTPUT, ZWSP, neutralise, render_template
from core.timers.columns import TimerColumns

__all__ = [
    # Hooks and bases
    "BotLike",
    "TablePlugin",
    "hookimpl",
    # Contracts
    "CommandHelp",
    "IntegrityCheck",
    "MaintenanceContext",
    "PluginHelp",
    "Apply",
    "GuildChoices",
    "GuildRequest",
    "ListRow",
    "PageRequest",
    "PanelField",
    "PanelList",
    "PublicPage",
    "RetentionKind",
    "RetentionPolicy",
    "Schedule",
    "ServerFields",
    "TimerSource",
    "Viewer",
    "WebPage",
    "WebPanel",
    # Commands and replies
    "GUILD_ONLY",
    "NO_MENTIONS",
    "Settings",
    "message_hook",
    "only_user",
    "PermissionNames",
    "permission_names",
    "require_manage_guild",
    # Localization: a plugin's reply texts from its locale files (docs/localization.md)
    "LocalizedValue",
    "Phrase",
    "Speaker",
    "TextError",
    "Texts",
    # Data
    "CONNECTION",
    "GuildMember",
    "Lifecycle",
    "TimerColumns",
    "User",
    "placeholders",
    # Per-guild settings
    "GuildOverrides",
    "OverridesCache",
    "SettingConflict",
    "SettingsRefused",
    "overrides",
    # Services: coins
    "COINS_MAX",
    "BalanceTooHigh",
    "CoinsError",
    "InsufficientFunds",
    "InvalidAmount",
    "change_coins",
    "get_coins",
    "lock_members",
    "run_atomic",
    "run_statement",
    "validate_amount",
    # Services: guild facts and the role rule
    "ActorFacts",
    "BotFacts",
    "RoleFacts",
    "RoleRefused",
    "actor_facts",
    "bot_facts",
    "role_facts",
    "role_rule",
    # Services: XP, caches, the bus and timer wake-ups
    "TtlCache",
    # Templates (the safe renderer of custom commands and welcome messages)
    "MAX_OUTPUT",
    "ZWSP",
    "neutralise",
    "render_template",
    "bus",
    "wakeups",
    "xp",
    # Services: REST work that may wait near Discord's invalid-request limit
    "non_urgent",
    # Services: switches, audit, privacy fence, metrics, maintenance helpers
    "PROBLEM_LIMIT",
    "audit",
    "fetch_limited",
    "flush_timer",
    "limit_problems",
    "plugin_switches",
    "start_of_week",
    "user_fence",
]
