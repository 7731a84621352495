"""Custom commands on the dashboard: slash-command validation, shown as text, audited."""

from __future__ import annotations

from core.services import audit
from plugins.customcmds.models import CustomCommand
from tests.core.web.support import WebEnv

XSS = "<script>alert(1)</script>"


async def test_create_edit_delete_with_the_slash_validation(web_env: WebEnv) -> None:
    guild = web_env.guild_id
    path = f"/dashboard/{guild}/commands"
    await web_env.login(web_env.demo.admin.id)
    csrf = await web_env.csrf(path)
    made = await web_env.client.post(path, data={
        "csrf": csrf, "action": "create", "name": "Hello", "response": XSS},
        allow_redirects=False)
    assert made.status == 303
    row = await CustomCommand.get(guild_id=guild, command_name="hello")
    assert row.response == XSS and row.creator_id == web_env.demo.admin.id
    page = await (await web_env.client.get(path)).text()
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    for form, reason in [
        ({"name": "bad name!", "response": "x"}, "a name is 1-32 characters"),
        ({"name": "ping", "response": "x"}, "is a built-in command"),
        ({"name": "hello", "response": "again"}, "already exists here"),
        ({"name": "empty", "response": "   "}, "the response cannot be empty"),
        ({"name": "long", "response": "x" * 2001}, "at most 2,000 characters"),
    ]:
        refused = await web_env.client.post(path, data={"csrf": csrf, "action": "create",
                                                         **form})
        assert refused.status == 400 and reason in await refused.text(), form
    assert await CustomCommand.filter(guild_id=guild).count() == 1

    forged = await web_env.client.post(path, data={
        "csrf": "nope", "action": "delete", "name": "hello"})
    assert forged.status == 403 and await CustomCommand.filter(guild_id=guild).exists()

    edited = await web_env.client.post(path, data={
        "csrf": csrf, "action": "edit", "name": "hello", "response": "Hi {user}!"})
    assert edited.status == 200
    assert (await CustomCommand.get(guild_id=guild, command_name="hello")).response == (
        "Hi {user}!")
    await web_env.client.post(path, data={"csrf": csrf, "action": "delete", "name": "hello"})
    assert not await CustomCommand.filter(guild_id=guild).exists()
    history = [(c.setting, *audit.values(c)) for c in await audit.recent_changes(guild)]
    assert history == [("customcmd.hello", "Hi {user}!", None),
                       ("customcmd.hello", XSS, "Hi {user}!"),
                       ("customcmd.hello", None, XSS)]
