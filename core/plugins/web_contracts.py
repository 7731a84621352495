"""What a plugin hands the dashboard: panels, list actions, its own pages, public pages.

Core renders everything (layout, forms, CSRF token, error and "saved" messages) and checks
the admin's permission before any plugin code runs; the plugin says what to show and
saves through its own service. The hooks are ``guildhall_web_panels``,
``guildhall_web_pages``, ``guildhall_web_server_fields`` and ``guildhall_web_public_pages``
(:mod:`core.plugins.hookspecs`); ``docs/dashboard.md`` walks through them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from core.services.guild_config import GuildConfigService
    from core.services.guild_facts import ActorFacts, BotFacts, RoleFacts

FIELD_KINDS = ("number", "text", "textarea", "channel", "role", "choice")


class Choice(Protocol):
    """A channel or role offered in a form (``usable``: the bot could give the role)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def usable(self) -> bool: ...


class GuildChoices(Protocol):
    """A guild's text channels and roles, read from Discord with the bot's token.

    The readers turn a submitted value into an id of this guild and raise ``ValueError``
    with a message for the page otherwise. Read-only: a page never changes them.
    """

    @property
    def channels(self) -> Sequence[Choice]: ...
    @property
    def roles(self) -> Sequence[Choice]: ...
    @property
    def channel_ids(self) -> frozenset[int]: ...
    @property
    def bot(self) -> BotFacts: ...

    def channel(self, raw: object) -> int | None:
        """A text channel of this guild ("" = ``None``)."""
        ...

    def channel_id(self, raw: object) -> int | None:
        """Any channel id ("" = ``None``): check membership with ``channel_ids``."""
        ...

    def role_of(self, raw: object) -> RoleFacts | None:
        """A role of this guild ("" = ``None``), for :mod:`core.services.role_rule`."""
        ...


class GuildRequest(Protocol):
    """One admin request of a guild, as a list action, a page or server fields receive it.

    Core built it after checking the session, the user's current Manage Server permission
    and (for a POST) the CSRF token. ``form`` holds the posted values as sent (``{}`` for
    a GET; read them with ``str(form.get(name, ""))``); ``query`` the URL's parameters.
    Both are user input: validate before use.
    """

    guild_id: int
    actor_id: int
    form: Mapping[str, Any]
    query: Mapping[str, str]
    guild_configs: GuildConfigService

    async def guild(self) -> GuildChoices:
        """The guild's channels and roles (read once per request)."""
        ...

    async def actor(self) -> ActorFacts:
        """The user's standing in the guild now, for :mod:`core.services.role_rule`."""
        ...

    async def command_names(self) -> set[str]:
        """The bot's own command names (slash and prefix), which plugins must not shadow."""
        ...


@dataclass(frozen=True, slots=True)
class PanelField:
    """One input of a :class:`WebPanel` form.

    ``kind`` says how the dashboard shows and reads it: ``"number"`` (a whole number,
    handed to ``save`` as an ``int``), ``"text"`` / ``"textarea"`` (a stripped ``str``),
    ``"channel"`` (a text channel of the guild: an ``int`` id, ``None`` when left empty;
    core refuses a channel of another server), ``"role"`` (a role of the guild: its
    :class:`~core.services.guild_facts.RoleFacts`, ``None`` when empty; the plugin checks
    it with :mod:`core.services.role_rule`), ``"choice"`` (one of ``choices``, each a
    ``(value, label)`` pair; the ``str`` value). ``empty`` labels the "nothing" option of a
    channel or role list in a settings form.
    """

    name: str
    label: str
    kind: str = "number"
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int = 2000
    empty: str = "(none)"

    def __post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"field {self.name!r}: kind must be one of {', '.join(FIELD_KINDS)}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"field {self.name!r}: a choice field needs choices")


@dataclass(frozen=True, slots=True)
class ListRow:
    """One row of a :class:`PanelList`: its text and the value its remove form posts."""

    key: str | int
    label: str


Action = Callable[[GuildRequest], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class PanelList:
    """A list inside a :class:`WebPanel`: rows with a remove button, an add form below.

    Each form posts to the panel's URL with a hidden ``action`` field: ``add_action`` with
    the ``add_fields``, or ``remove_action`` with the row's key in the field ``key``. Core
    then awaits ``add(request)`` or ``remove(request)``; they read ``request.form``, must
    validate through the plugin's service, raise ``ValueError`` with a clear message on bad
    input (the page shows it with a 400; nothing may be written) and record audit rows.

    Attributes:
        title: the list's heading.
        rows: coroutine ``rows(request) -> [ListRow]`` (names come from ``request.guild()``).
        key: the form field a row's remove form sends its ``ListRow.key`` in.
        add_action, remove_action: the ``action`` values, unique within the panel.
        add_fields: the add form's inputs (a channel or role list offers no empty option).
        add_label: the add button's text.
        add, remove: the coroutines saving one action.
        remove_label: the remove button's text.
        empty: shown when there are no rows.
    """

    title: str
    rows: Callable[[GuildRequest], Awaitable[list[ListRow]]]
    key: str
    add_action: str
    remove_action: str
    add_fields: tuple[PanelField, ...]
    add_label: str
    add: Action
    remove: Action
    remove_label: str = "remove"
    empty: str = "none"


@dataclass(frozen=True, slots=True)
class WebPanel:
    """A plugin's section of a guild's settings page on the dashboard.

    The forms post to ``/dashboard/<guild>/<name>``. Core checks the admin's permission
    and the CSRF token first. A post with an ``action`` goes to the matching
    :class:`PanelList` (an unknown one is refused). Otherwise core reads the ``fields``
    (a malformed number or a foreign channel is refused before ``save`` runs), then awaits
    ``save(guild_id, values, actor_id)``: it must validate through the plugin's own service
    function (the one its slash command uses), write nothing and raise ``ValueError`` with
    a clear message on bad input (the page shows it with a 400), and record audit rows
    (``core.services.audit.record_change(..., source="web")``) for what it changed.

    Attributes:
        name: URL part and form id: lowercase letters, digits and ``_``; not one of the
            dashboard's own pages (``general``, ``plugins``) nor another panel or page.
        title: the section heading.
        fields: the form's inputs, in order (empty: no form, e.g. only lists).
        load: coroutine ``load(guild_id) -> {field name: current value}`` (with fields).
        save: coroutine ``save(guild_id, values, actor_id)`` (with fields).
        fixed: read-only values shown beside the form (settings that are the same in
            every server, from ``config.toml``).
        lists: the panel's lists, shown after the form.
        saved: the message after a successful post (default ``"<title> saved."``).
    """

    name: str
    title: str
    fields: tuple[PanelField, ...]
    load: Callable[[int], Awaitable[dict[str, Any]]] | None = None
    save: Callable[[int, dict[str, Any], int], Awaitable[None]] | None = None
    fixed: dict[str, Any] = field(default_factory=dict)
    lists: tuple[PanelList, ...] = ()
    saved: str = ""


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who opens a page and their standing in the guild now, read from Discord.

    Attributes:
        user_id: the logged-in Discord user.
        owner: they own the server.
        permissions: their guild permission bits (``@everyone`` and each of their roles).
        role_names: the names of their roles.
    """

    user_id: int
    owner: bool
    permissions: int
    role_names: frozenset[str]


@dataclass(frozen=True, slots=True)
class WebPage:
    """A plugin's own page of a guild: ``/dashboard/<guild>/<name>`` (GET and POST).

    By default the page is for the server's admins (Manage Server, as the settings page);
    with ``audience`` it is for whoever ``audience(viewer)`` admits instead, e.g. the
    moderators (the same rule the plugin's commands apply), checked on every request.
    Core keeps the layout (heading, a tab per page, the error and "saved" messages), checks
    the session, that permission (and the CSRF token of a POST) and renders ``template`` (Jinja
    source of the page body, autoescaped; ``csrf`` must be a hidden field of every form,
    ``guild``, ``csrf`` and ``error`` are always set) with ``load(request)``'s variables.
    A POST awaits ``handle(request)``, which performs one change and returns the key of
    its ``done`` message (the page is shown again with it), or raises ``ValueError`` with
    a clear message (the page with the reason and a 400; nothing written). ``load`` raises
    ``ValueError`` for a malformed query (a 400). A page without ``handle`` only shows
    (a POST is answered 405).

    Attributes:
        name: URL part, as for :class:`WebPanel` (the two share one namespace).
        title: the tab's text and the page's title.
        template: Jinja source of the page body.
        load: coroutine ``load(request) -> {variable: value}``.
        handle: coroutine ``handle(request) -> done key`` (``None``: a read-only page).
        done: the message shown after each done key.
        audience: ``audience(viewer) -> bool``, who may open the page (``None``: Manage
            Server). Refused users get a 403, visitors the login.
    """

    name: str
    title: str
    template: str
    load: Callable[[GuildRequest], Awaitable[dict[str, Any]]]
    handle: Callable[[GuildRequest], Awaitable[str]] | None = None
    done: Mapping[str, str] = field(default_factory=dict)
    audience: Callable[[Viewer], bool] | None = None


Apply = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ServerFields:
    """Inputs a plugin adds to the settings page's "Server" form (``/dashboard/<guild>/general``).

    For settings that belong beside the core's own (prefix, public pages), e.g. a log
    channel. On a post core first awaits every contributor's ``check(request)``, which
    validates the plugin's fields through its service and returns a coroutine function
    that writes them; only when every check passed does core save its own fields and then
    await each write. A check raises ``ValueError`` with a clear message (the page with the
    reason and a 400; nothing of the form is written).

    Attributes:
        name: the contributor's name (for logs).
        fields: the inputs, shown after the core's; their ``name`` is the form field and
            HTML id, so prefix it with the plugin's name unless it is a core column.
        load: coroutine ``load(request) -> {field name: current value}``.
        check: coroutine ``check(request) -> write``.
    """

    name: str
    fields: tuple[PanelField, ...]
    load: Callable[[GuildRequest], Awaitable[dict[str, Any]]]
    check: Callable[[GuildRequest], Awaitable[Apply]]


@dataclass(frozen=True, slots=True)
class PageRequest:
    """What a :class:`PublicPage` is rendered for: the guild, the query and the viewer.

    Attributes:
        guild_id: the guild of the URL (its public pages are on, the plugin is enabled).
        query: the URL's query parameters (user input: validate before use).
        viewer_id: the logged-in Discord user's id, ``None`` for a visitor.
    """

    guild_id: int
    query: Mapping[str, str]
    viewer_id: int | None


@dataclass(frozen=True, slots=True)
class PublicPage:
    """A plugin's public page of a guild on the dashboard: ``/g/<guild_id>/<slug>``.

    Core keeps the layout (heading, a navigation link per page) and answers the same 404
    as for an unknown guild while the guild's public pages are off or the plugin is
    disabled there. Otherwise it awaits ``render(request)`` for the template's variables
    and renders ``template`` (Jinja source of the page body, autoescaped; it may import
    the dashboard's ``macros.html``; ``guild_id`` and ``guild_name`` are always set).
    ``render`` raises ``ValueError`` with a clear message for a malformed query (a 400).

    A page with ``everywhere`` set is about the whole bot, not a guild: it is served at
    ``/global/<slug>`` (its own slug namespace) while the plugin is loaded, with
    ``guild_id`` 0 in the request and no ``guild_name``, and is in no guild's navigation.

    Attributes:
        slug: URL part: lowercase letters, digits and ``-``, unique over all plugins.
        title: the navigation link's text and the page heading.
        template: Jinja source of the page body.
        render: coroutine ``render(request) -> {variable: value}``.
        everywhere: a page of the whole bot (``/global/<slug>``) instead of a guild's.
    """

    slug: str
    title: str
    template: str
    render: Callable[[PageRequest], Awaitable[dict[str, Any]]]
    everywhere: bool = False
