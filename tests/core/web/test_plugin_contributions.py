"""What a plugin contributes to a guild's admin pages, through the contract only: a panel
with a list (add and remove actions), its own page (template and handler) and fields of
the Server form; core guards, renders and dispatches them without knowing the plugin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from core.db.models import GuildConfig
from core.plugins.contracts import (
    Apply,
    GuildRequest,
    ListRow,
    PanelField,
    PanelList,
    ServerFields,
    WebPage,
    WebPanel,
)
from core.plugins.hookspecs import hookimpl
from core.plugins.manager import PluginManager
from core.runtime.assembly import Runtime
from core.runtime.config import Settings
from core.web.app import create_app
from core.web.panels import PAGES, PANELS, SERVER_FIELDS
from tests.core.web.support import WebEnv

BOARD_TEMPLATE = """<section><h2>Pinned</h2><p class="pins">{{ pins|join(", ") }}</p>
<form method="post"><input type="hidden" name="csrf" value="{{ csrf }}">
<input type="hidden" name="action" value="pin"><input name="text"><button>Pin</button></form>
<p>page {{ number }}</p></section>"""


class Notes:
    """A plugin keeping notes in memory: a list panel, a page and a Server field."""

    def __init__(self) -> None:
        self.notes: dict[int, list[str]] = {}
        self.pins: list[str] = []
        self.channel: dict[int, int | None] = {}

    async def _rows(self, request: GuildRequest) -> list[ListRow]:
        return [ListRow(i, f"note {text}") for i, text in
                enumerate(self.notes.get(request.guild_id, []))]

    async def _add(self, request: GuildRequest) -> None:
        text = str(request.form.get("text", "")).strip()
        channel = (await request.guild()).channel(request.form.get("where"))
        if not text:
            raise ValueError("write a note first")
        self.notes.setdefault(request.guild_id, []).append(f"{text} in {channel}")

    async def _drop(self, request: GuildRequest) -> None:
        notes = self.notes.get(request.guild_id, [])
        index = str(request.form.get("index", ""))
        if not index.isdigit() or int(index) >= len(notes):
            raise ValueError("no such note")
        notes.pop(int(index))

    async def _load(self, request: GuildRequest) -> dict[str, Any]:
        number = request.query.get("page", "1")
        if not number.isdigit():
            raise ValueError("The page number must be a number.")
        return {"pins": self.pins, "number": int(number)}

    async def _handle(self, request: GuildRequest) -> str:
        text = str(request.form.get("text", ""))
        if str(request.form.get("action")) != "pin" or not text:
            raise ValueError("nothing to pin")
        self.pins.append(text)
        return "pin"

    async def _current(self, request: GuildRequest) -> dict[str, Any]:
        return {"notes_channel": self.channel.get(request.guild_id)}

    async def _check(self, request: GuildRequest) -> Apply:
        channel = (await request.guild()).channel(request.form.get("notes_channel"))

        async def write() -> None:
            self.channel[request.guild_id] = channel

        return write

    @hookimpl
    def guildhall_web_panels(self) -> list[WebPanel]:
        """A panel with one list."""
        notes = PanelList("Notes", self._rows, "index", "add", "drop",
                          (PanelField("text", "Note", "text"),
                           PanelField("where", "Channel", "channel")),
                          "Add note", self._add, self._drop)
        return [WebPanel("notes", "Notes", (), lists=(notes,))]

    @hookimpl
    def guildhall_web_pages(self) -> list[WebPage]:
        """A page of pins."""
        return [WebPage("board", "Pin board", BOARD_TEMPLATE, self._load, self._handle,
                        {"pin": "Pinned."})]

    @hookimpl
    def guildhall_web_server_fields(self) -> list[ServerFields]:
        """The notes channel in the Server form."""
        field = PanelField("notes_channel", "Notes channel", "channel", empty="(no notes)")
        return [ServerFields("notes", (field,), self._current, self._check)]


@pytest.fixture
async def notes_env(web_env: WebEnv) -> AsyncIterator[tuple[WebEnv, Notes]]:
    """The dashboard with only the notes plugin, on the test database and Discord double."""
    plugins, notes = PluginManager(web_env.settings), Notes()
    plugins.register("notes", notes)
    app = create_app(Runtime(web_env.settings, plugins))
    async with TestClient(TestServer(app)) as client:
        yield WebEnv(client, web_env.double, web_env.demo, web_env.settings), notes


async def test_list_actions_are_guarded_and_dispatched(
    notes_env: tuple[WebEnv, Notes],
) -> None:
    env, notes = notes_env
    guild, general = env.guild_id, env.demo.general.id
    path = f"/dashboard/{guild}/notes"
    await env.login(env.demo.admin.id)
    csrf = await env.csrf(f"/dashboard/{guild}")
    added = await env.client.post(path, data={"csrf": csrf, "action": "add", "text": "hi",
                                              "where": str(general)}, allow_redirects=False)
    assert added.status == 303 and added.headers["Location"].endswith("?done=notes")
    assert notes.notes[guild] == [f"hi in {general}"]
    page = await (await env.client.get(f"/dashboard/{guild}?done=notes")).text()
    assert "Notes saved." in page and f"note hi in {general}" in page
    assert '<input type="hidden" name="action" value="drop">' in page
    assert '<input type="hidden" name="index" value="0">' in page
    assert f'href="/dashboard/{guild}/board">Pin board</a>' in page

    for form, reason in (({"action": "add", "text": " "}, "write a note first"),
                         ({"action": "add", "text": "x", "where": str(env.demo.annex_general.id)},
                          "that channel is not in this server"),
                         ({"action": "drop", "index": "7"}, "no such note"),
                         ({"action": "rename"}, "unknown action"), ({}, "unknown action")):
        refused = await env.client.post(path, data={"csrf": csrf, **form})
        assert refused.status == 400 and reason in await refused.text(), form
    forged = await env.client.post(path, data={"csrf": "forged", "action": "drop",
                                               "index": "0"})
    assert forged.status == 403
    assert notes.notes[guild] == [f"hi in {general}"]
    dropped = await env.client.post(path, data={"csrf": csrf, "action": "drop", "index": "0"},
                                    allow_redirects=False)
    assert dropped.status == 303 and notes.notes[guild] == []


async def test_plugin_page_renders_in_the_layout_and_handles_its_form(
    notes_env: tuple[WebEnv, Notes],
) -> None:
    env, notes = notes_env
    path = f"/dashboard/{env.guild_id}/board"
    await env.login(env.demo.admin.id)
    shown = await env.client.get(path, params={"page": "3"})
    text = await shown.text()
    assert shown.status == 200 and "<title>Pin board · " in text and "<p>page 3</p>" in text
    assert "<strong>Pin board</strong>" in text
    bad_query = await env.client.get(path, params={"page": "x"})
    assert bad_query.status == 400 and "must be a number" in await bad_query.text()
    csrf = await env.csrf(path)
    pinned = await env.client.post(path, data={"csrf": csrf, "action": "pin",
                                               "text": "<b>hi</b>"}, allow_redirects=False)
    assert pinned.status == 303 and pinned.headers["Location"] == f"{path}?done=pin"
    after = await (await env.client.get(f"{path}?done=pin")).text()
    assert "Pinned." in after and "&lt;b&gt;hi&lt;/b&gt;" in after and "<b>hi" not in after
    refused = await env.client.post(path, data={"csrf": csrf, "action": "pin", "text": ""})
    assert refused.status == 400 and "nothing to pin" in await refused.text()
    for absent in ("nothing", "commands"):  # no page without a plugin offering it
        assert (await env.client.get(f"/dashboard/{env.guild_id}/{absent}")).status == 404
    leveling = await env.client.post(f"/dashboard/{env.guild_id}/leveling",
                                     data={"csrf": csrf, "action": "exclude"})
    assert leveling.status == 404
    assert notes.pins == ["<b>hi</b>"]


async def test_non_admin_reaches_no_contribution(notes_env: tuple[WebEnv, Notes]) -> None:
    env, notes = notes_env
    guild = env.guild_id
    await env.login(env.demo.member.id)
    for method, path in (("GET", f"/dashboard/{guild}/board"),
                         ("POST", f"/dashboard/{guild}/board"),
                         ("POST", f"/dashboard/{guild}/notes"),
                         ("POST", f"/dashboard/{guild}/general")):
        answer = await env.client.request(method, path, data={
            "csrf": "x", "action": "pin", "text": "t", "prefix": "?"}, allow_redirects=False)
        assert answer.status == 403, (method, path)
    assert (notes.pins, notes.notes, notes.channel) == ([], {}, {})


async def test_server_fields_are_checked_before_anything_is_written(
    notes_env: tuple[WebEnv, Notes],
) -> None:
    env, notes = notes_env
    guild, general = env.guild_id, env.demo.general.id
    await env.login(env.demo.admin.id)
    page = await (await env.client.get(f"/dashboard/{guild}")).text()
    assert '<select id="notes_channel" name="notes_channel"><option value="">(no notes)' in page
    # the built-ins' parts come from their plugins only, none of which is enabled here
    for absent in ("log_channel_id", "mute_role_id", "<h2>Leveling</h2>", "Custom commands"):
        assert absent not in page, absent
    csrf = await env.csrf(f"/dashboard/{guild}")
    foreign = await env.client.post(f"/dashboard/{guild}/general", data={
        "csrf": csrf, "prefix": "?", "notes_channel": str(env.demo.annex_general.id)})
    assert foreign.status == 400 and "not in this server" in await foreign.text()
    assert (await GuildConfig.get(guild_id=guild)).prefix == "!" and notes.channel == {}
    bad_prefix = await env.client.post(f"/dashboard/{guild}/general", data={
        "csrf": csrf, "prefix": "two words", "notes_channel": str(general)})
    assert bad_prefix.status == 400 and notes.channel == {}  # core's own field refused
    saved = await env.client.post(f"/dashboard/{guild}/general", data={
        "csrf": csrf, "prefix": "?", "notes_channel": str(general)}, allow_redirects=False)
    assert saved.status == 303
    assert (await GuildConfig.get(guild_id=guild)).prefix == "?"
    assert notes.channel == {guild: general}
    shown = await (await env.client.get(f"/dashboard/{guild}")).text()
    assert f'<option value="{general}" selected>' in shown


class Squatter:
    """A plugin claiming names that are taken."""

    @hookimpl
    def guildhall_web_pages(self) -> list[WebPage]:
        """Pages named like core's pages and like the notes panel."""
        async def load(request: GuildRequest) -> dict[str, Any]:
            return {}

        async def handle(request: GuildRequest) -> str:
            return ""

        return [WebPage(name, name, "", load, handle) for name in ("general", "notes", "own")]

    @hookimpl
    def guildhall_web_server_fields(self) -> list[ServerFields]:
        """A field named like core's prefix."""
        async def load(request: GuildRequest) -> dict[str, Any]:
            return {}

        async def check(request: GuildRequest) -> Apply:
            raise AssertionError("never called")

        return [ServerFields("squat", (PanelField("prefix", "Prefix", "text"),), load, check)]


def test_taken_names_are_skipped() -> None:
    plugins = PluginManager(Settings())
    plugins.register("notes", Notes())
    plugins.register("squatter", Squatter())
    app = create_app(Runtime(plugins.settings, plugins))
    assert set(app[PANELS]) == {"notes"}
    assert {name: p.plugin for name, p in app[PAGES].items()} == {"board": "notes",
                                                                  "own": "squatter"}
    assert [f.name for f in app[SERVER_FIELDS]] == ["notes"]
